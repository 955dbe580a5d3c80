// Tenant responses and their audit rows through the HTTP front end, on both backends: under
// concurrent load every delivered response has exactly one audit row (many share a commit),
// and a response whose audit row could not be committed is withheld with 503 + Retry-After.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "core/common/time.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class AuditedResponsesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    ASSERT_TRUE(dir.add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"fixture"}}).ok());
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    token_ = host_.services().keys->create("acme", "test", year).value().token;
  }
  // `threads` clients each asking `each` times at once; the replies.
  std::vector<HttpResult> burst(int threads, int each) {
    std::vector<HttpResult> replies;
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
      clients.emplace_back([&] {
        for (int i = 0; i < each; ++i) {
          auto r = http_get(host_.port(), "/api/fixture/scoped",
                            {{"Authorization", "Bearer " + token_}});
          std::lock_guard lock(mu);
          replies.push_back(std::move(r));
        }
      });
    }
    for (auto& c : clients) c.join();
    return replies;
  }
  Status sql(const std::string& statement) {
    auto lease = test_db_.db()->acquire();
    return (*lease)->execute(statement);
  }
  std::map<std::string, int> audited_request_ids() {
    std::map<std::string, int> ids;
    for (const auto& e : host_.services().audit->entries(0, now_us() + 60000000).value()) {
      if (e.action == "http_response") ++ids[e.request_id];
    }
    return ids;
  }

  TestDatabase test_db_{GetParam()};
  InProcessHost host_{fixture_settings({"fixture"}), test_db_.db()};
  std::string token_;
};

// Concurrent responses: each one delivered is audited exactly once, the chain intact.
TEST_P(AuditedResponsesTest, EveryResponseAuditedExactlyOnce) {
  auto replies = burst(12, 20);
  auto audited = audited_request_ids();
  ASSERT_EQ(replies.size(), 240u);
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(audited[r.headers.at("x-request-id")], 1) << r.headers.at("x-request-id");
  }
  EXPECT_EQ(audited.size(), 240u);
  auto verified = host_.services().audit->verify();
  EXPECT_TRUE(verified->intact) << verified->problem;
}

// When the audit rows cannot be committed, every response is withheld (503, Retry-After) and
// none is audited as delivered; once the log is back, responses flow again.
TEST_P(AuditedResponsesTest, UnauditedResponsesAreWithheld) {
  ASSERT_TRUE(sql("ALTER TABLE audit_log RENAME TO audit_log_away").ok());
  auto refused = burst(6, 5);
  ASSERT_TRUE(sql("ALTER TABLE audit_log_away RENAME TO audit_log").ok());
  for (const auto& r : refused) {
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.headers.count("retry-after"), 1u);
    EXPECT_EQ(r.body.find("scoped cache_header"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(audited_request_ids().empty());
  auto served = burst(2, 3);
  for (const auto& r : served) EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(audited_request_ids().size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditedResponsesTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
