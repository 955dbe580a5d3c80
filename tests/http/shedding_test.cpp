// Past capacity the host sheds: every answer is 200 or 503 with Retry-After, never a
// closed connection, a 500 or a hang, whether the limit reached is the HTTP threads and
// queue or the database connections. Each client reads its reply with a time-out, so a
// hang fails the test; nothing is timed.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "core/common/time.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

// "200", "503+Retry-After", or what else came back (a status or the exception's text).
std::string outcome(uint16_t port, const std::string& target, const std::string& token) {
  try {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    HttpResult reply = http_get(port, target, headers, 20);
    if (reply.status == 503) {
      return reply.headers.count("retry-after") ? "503+Retry-After" : "503 without Retry-After";
    }
    return std::to_string(reply.status);
  } catch (const std::exception& e) {
    return std::string("no reply: ") + e.what();
  }
}

// `clients` requests at once; how many ended each way.
std::map<std::string, int> storm(uint16_t port, const std::string& target, const std::string& token,
                                 int clients) {
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < clients; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return outcome(port, target, token); }));
  }
  std::map<std::string, int> seen;
  for (auto& r : replies) ++seen[r.get()];
  return seen;
}

void expect_only_served_or_shed(const std::map<std::string, int>& seen, int clients) {
  int total = 0;
  for (const auto& [what, n] : seen) {
    EXPECT_TRUE(what == "200" || what == "503+Retry-After") << n << " x " << what;
    total += n;
  }
  EXPECT_EQ(total, clients);
}

// With every worker busy and the queue full, a new request is answered 503 with Retry-After
// at once instead of being closed unanswered or left waiting.
TEST(Shedding, FullQueueIsAnswered503WithRetryAfter) {
  InProcessHost host(fixture_settings(
      {"fixture"}, {"http.min_threads=1", "http.max_threads=2", "http.max_queued=1"}));
  std::vector<std::future<std::string>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(std::async(
        std::launch::async, [&] { return outcome(host.port(), "/api/fixture/slow?ms=3000", ""); }));
  }
  ASSERT_TRUE(eventually([&] { return host.front_end().in_flight().load() == 2; }))
      << host.front_end().in_flight() << " in flight, " << host.front_end().queued_requests()
      << " queued";
  auto queued =
      std::async(std::launch::async, [&] { return outcome(host.port(), "/healthz", ""); });
  ASSERT_TRUE(eventually([&] { return host.front_end().queued_requests() == 1; }))
      << host.front_end().queued_requests() << " queued, " << host.front_end().in_flight()
      << " in flight";
  auto seen = storm(host.port(), "/healthz", "", 16);
  expect_only_served_or_shed(seen, 16);
  EXPECT_GE(seen["503+Retry-After"], 1);
  for (auto& b : busy) EXPECT_EQ(b.get(), "200");
  EXPECT_EQ(queued.get(), "200");
  EXPECT_GE(host.front_end().shed_total(), 1u);
}

class SheddingTest : public ::testing::TestWithParam<std::string> {
 protected:
  // The test database reopened with a tiny pool: `max` connections, no waiting.
  std::shared_ptr<storage::Database> tiny_pool(int max) {
    storage::StorageSettings s = test_db_.settings();
    s.pool_size = max;
    s.max_connections = max;
    s.acquire_timeout_ms = 0;
    auto db = storage::Database::open(s);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.value();
  }
  // A host on `db` with one tenant that has the fixture plugin; returns its API key.
  std::string add_tenant(InProcessHost& host) {
    EXPECT_TRUE(host.services()
                    .directory->add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"fixture"}})
                    .ok());
    return host.services().keys->create("acme", "t", now_us() + 86400000000).value().token;
  }

  TestDatabase test_db_{GetParam()};
};

// With every database connection taken, a tenant request is 503 with Retry-After (not 500),
// and served again once a connection is free.
TEST_P(SheddingTest, ExhaustedPoolIs503WithRetryAfter) {
  auto db = tiny_pool(4);
  InProcessHost host(fixture_settings({"fixture"}), db);
  std::string key = add_tenant(host);
  std::vector<storage::Lease> held;
  while (true) {
    auto lease = db->acquire();
    if (!lease.ok()) break;
    held.push_back(std::move(lease).value());
  }
  EXPECT_EQ(outcome(host.port(), "/api/fixture/scoped", key), "503+Retry-After");
  held.clear();
  EXPECT_EQ(outcome(host.port(), "/api/fixture/scoped", key), "200");
}

// Many clients against a tiny capacity (two threads, one queued connection, one database
// connection): every one is served or shed, none is dropped, failed or left hanging.
TEST_P(SheddingTest, ManyClientsAreServedOrShed) {
  auto db = tiny_pool(1);
  InProcessHost host(fixture_settings({"fixture"}, {"http.min_threads=1", "http.max_threads=2",
                                                    "http.max_queued=1"}),
                     db);
  std::string key = add_tenant(host);
  expect_only_served_or_shed(storm(host.port(), "/api/fixture/scoped", key, 64), 64);
  EXPECT_LE(db->open_connections(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SheddingTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
