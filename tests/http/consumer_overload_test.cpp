// Seed case 6 replayed under overload: 200 consumers, each with canary values of its own
// (account id, number, call record id), log in and read their routes as fast as the clients
// can send, over keep-alive connections shared between consumers, with the host's threads,
// queue and database connections set small so that it runs past capacity. Every answer is
// checked against the consumer that asked: it is that consumer's own data, or 503 with
// Retry-After; never another consumer's, never a 500, never a connection closed unanswered.
// Bounded in time; nothing is timed.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

constexpr int kConsumers = 200;
constexpr int kClients = 24;
constexpr auto kRunFor = std::chrono::seconds(4);

std::string account(int i) { return "canary-acct-" + std::to_string(1000 + i); }
std::string number(int i) {  // 090-5555-1000 + i
  return "0905555" + std::to_string(1000 + i);
}
std::string masked(int i) { return "090****" + std::to_string(1000 + i); }
std::string call_id(int i) { return "canary-call-" + std::to_string(1000 + i); }

struct Tally {
  std::atomic<long> own{0}, shed{0}, wrong{0}, other{0}, unanswered{0};
  std::mutex mu;
  std::vector<std::string> examples;  // of what went wrong, a few
  void bad(std::atomic<long>& counter, const std::string& what) {
    ++counter;
    std::lock_guard lock(mu);
    if (examples.size() < 5) examples.push_back(what);
  }
};

class ConsumerOverloadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    ASSERT_TRUE(
        dir.add_tenant({0, "acme", "Acme", "Asia/Tokyo", spool_.path(), {"voice_cdr"}}).ok());
    ASSERT_TRUE(dir.add_plan({0, "acme", "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
    auto& consumers = *host_.services().consumers;
    std::string csv =
        "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
        "called_number,call_type,imsi,disposition\n";
    for (int i = 0; i < kConsumers; ++i) {
      ASSERT_TRUE(
          dir.add_subscriber({0, "acme", account(i), "svc", "basic", account(i) + "@acme.example"})
              .ok());
      ASSERT_TRUE(dir.assign({"acme", account(i), "", number(i), "", "",
                              parse_time_us("2026-01-01").value(), kForever})
                      .ok());
      ASSERT_TRUE(consumers
                      .set_password(consumers.find("acme", account(i)).value(),
                                    "password " + account(i), now_us())
                      .ok());
      csv += call_id(i) +
             ",2026-11-02T09:30:00+09:00,2026-11-02T09:30:04+09:00,"
             "2026-11-02T09:33:04+09:00,184,180," +
             number(i) + ",0312345678,outgoing,,ANSWERED\n";
    }
    std::filesystem::create_directories(spool_.path() + "/voice");
    spool_.write("voice/calls.csv.part", csv);
    std::filesystem::rename(spool_.path() + "/voice/calls.csv.part",
                            spool_.path() + "/voice/calls.csv");
    ingest::Spooler spooler(&host_.plugins(), 1);
    ASSERT_EQ(spooler.poll(), 1);
    for (int i = 0; i < kConsumers; ++i) {
      json body = {
          {"tenant", "acme"}, {"account", account(i)}, {"password", "password " + account(i)}};
      auto r = http_post(host_.port(), "/portal/api/v1/login", body.dump());
      ASSERT_EQ(r.status, 200) << r.body;
      tokens_.push_back(json::parse(r.body)["token"]);
    }
  }

  // Checks one answer for consumer i at `path`.
  void check(Tally& tally, int i, const std::string& path, int status,
             const Poco::Net::HTTPResponse& response, const std::string& body) {
    if (status == 503) {
      if (response.has("Retry-After")) {
        ++tally.shed;
      } else {
        tally.bad(tally.other, "503 without Retry-After");
      }
      return;
    }
    if (status != 200) {
      tally.bad(tally.other, std::to_string(status) + " " + path + ": " + body);
      return;
    }
    json j = json::parse(body, nullptr, false);
    bool own = false;
    if (path == "/portal/api/v1/me") {
      own = !j.is_discarded() && j["account_id"] == account(i) && j["lines"].size() == 1 &&
            j["lines"][0]["number"] == masked(i);
    } else {
      own = !j.is_discarded() && j["cdrs"].size() == 1 && j["cdrs"][0]["record_id"] == call_id(i);
    }
    // Any other consumer's canary anywhere in the body is a leak, whatever the shape.
    for (int k = 0; own && k < kConsumers; ++k) {
      if (k == i) continue;
      if (body.find(std::to_string(1000 + k)) != std::string::npos) own = false;
    }
    if (own) {
      ++tally.own;
    } else {
      tally.bad(tally.wrong, "consumer " + std::to_string(i) + " " + path + ": " + body);
    }
  }

  TestDatabase db_{GetParam()};
  TempDir spool_;
  InProcessHost host_{
      fixture_settings(
          {"voice_cdr"},
          {"plugins.dir=" MVNE_PLUGIN_DIR, "plugin.voice_cdr.spool_dir=" + spool_.path() + "/voice",
           "portal.hash_memory_kib=256", "portal.hash_passes=1", "http.min_threads=2",
           "http.max_threads=8", "http.max_queued=4", "storage.pool_size=2",
           "storage.max_connections=3", "storage.acquire_timeout_ms=50"}),
      db_.db()};
  std::vector<std::string> tokens_;
};

TEST_P(ConsumerOverloadTest, EveryAnswerIsTheAskersOwnOrShed) {
  Tally tally;
  auto deadline = std::chrono::steady_clock::now() + kRunFor;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Poco::Net::HTTPClientSession session("127.0.0.1", host_.port());
      session.setTimeout(Poco::Timespan(20, 0));
      session.setKeepAlive(true);
      for (long n = c; std::chrono::steady_clock::now() < deadline; n += kClients) {
        int i = static_cast<int>(n % kConsumers);  // consumers take turns on this connection
        const std::string path = n % 2 ? "/portal/api/v1/calls" : "/portal/api/v1/me";
        try {
          Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                         Poco::Net::HTTPMessage::HTTP_1_1);
          request.setKeepAlive(true);
          request.set("Authorization", "Bearer " + tokens_[static_cast<size_t>(i)]);
          session.sendRequest(request);
          Poco::Net::HTTPResponse response;
          std::istream& in = session.receiveResponse(response);
          std::string body;
          Poco::StreamCopier::copyToString(in, body);
          check(tally, i, path, response.getStatus(), response, body);
        } catch (const std::exception& e) {
          tally.bad(tally.unanswered, std::string("no answer: ") + e.what());
          session.reset();
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  long checked = tally.own + tally.shed + tally.wrong + tally.other + tally.unanswered;
  std::printf(
      "[ overload ] %s: %ld answers checked: %ld own, %ld shed (503 + Retry-After), "
      "%ld another consumer's, %ld other, %ld unanswered\n",
      GetParam().c_str(), checked, tally.own.load(), tally.shed.load(), tally.wrong.load(),
      tally.other.load(), tally.unanswered.load());
  RecordProperty("answers_checked", std::to_string(checked));
  EXPECT_EQ(tally.wrong, 0);
  EXPECT_EQ(tally.other, 0);
  EXPECT_EQ(tally.unanswered, 0);
  for (const auto& e : tally.examples) ADD_FAILURE() << e;
  EXPECT_GE(tally.own, kConsumers) << "most consumers were served at least once";
  EXPECT_GE(tally.shed, 1) << "the run went past capacity";
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsumerOverloadTest, ::testing::ValuesIn(test_backends()));

}  // namespace
}  // namespace mvne::testing
