// data_sessions with the real radclient (freeradius-utils), on SQLite and MariaDB: Start,
// Interim and Stop for two MVNOs' lines, among them a number that changed holders the day
// before (seed case 4), read back through each tenant's API and checked against the
// expectation written here; sessions across midnight split by time in the tenant's zone;
// retransmissions counted once; counters going backwards; Accounting-On closing sessions;
// bad secrets, malformed packets and unknown clients dropped and counted; a mistaken merge
// refused (seed case 5).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/ingest/datagram_hub.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

std::string epoch(const char* iso) { return std::to_string(parse_time_us(iso).value() / 1000000); }

class DataSessionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& d = *host_.services().directory;
    ASSERT_TRUE(host_.apply_status().ok()) << host_.apply_status().message();
    for (const char* t : {"acme", "bolt"}) {
      std::string zone = t == std::string("acme") ? "Asia/Tokyo" : "UTC";
      std::string name = t == std::string("acme") ? "Acme" : "Bolt";
      ASSERT_TRUE(
          d.add_tenant({0, t, name, zone, dir_.path() + "/exports/" + t, {"data_sessions"}}).ok());
    }
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(d.add_plan({0, t, "p", "p", 2500000, 0, 1, 0, 0, ""}).ok());
      for (const char* a : {"u1", "u2"}) {
        ASSERT_TRUE(d.add_subscriber(
                         {0, t, a, std::string(t) + a, "p", std::string(a) + "@" + t + ".example"})
                        .ok());
      }
    }
    auto since = parse_time_us("2026-01-01").value();
    ASSERT_TRUE(
        d.assign({"acme", "u1", "", "09011110001", "440100000000001", "", since, kForever}).ok());
    ASSERT_TRUE(
        d.assign({"bolt", "u1", "", "09022220001", "440100000000002", "", since, kForever}).ok());
    ASSERT_TRUE(
        d.assign({"acme", "u2", "", "09033330001", "440100000000003", "", since, kForever}).ok());
    // 090-3333-0001 changes holders on 2026-11-10: acme's u2 -> bolt's u2, with a new SIM.
    auto moved = d.move(tenancy::IdKind::kMsisdn, "09033330001",
                        {"bolt", "u2", "", "09033330001", "440100000000004", "",
                         parse_time_us("2026-11-10T00:00:00Z").value(), kForever});
    ASSERT_TRUE(moved.ok()) << moved.status().message();
    for (const char* t : {"acme", "bolt"})
      keys_[t] = host_.services().keys->create(t, "t", now_us() + 86400000000LL)->token;
    for (const auto& p : host_.plugins().running()) {
      for (const auto& d : p->registrations().datagrams)
        port_ = ingest::bound_port(
            *std::static_pointer_cast<ingest::DatagramHub::Listener>(d.listener));
    }
    ASSERT_NE(port_, 0);
  }

  // Sends one Accounting-Request with radclient; true when it was answered.
  bool send(const std::vector<std::string>& attributes, const std::string& secret = "testing123") {
    std::string request;
    for (const auto& a : attributes) request += a + "\n";
    std::string file = dir_.write("request.txt", request);
    ExitResult r =
        run_binary("/usr/bin/radclient", {"-f", file, "-r", "1", "-t", "1", "-q",
                                          "127.0.0.1:" + std::to_string(port_), "acct", secret});
    return r.exit_code == 0;
  }

  bool session(const std::string& id, const std::string& msisdn, const std::string& imsi,
               const char* status, const char* at, int64_t in, int64_t out, int64_t seconds,
               const char* speed = "high", const char* cause = nullptr) {
    std::vector<std::string> a = {"Acct-Status-Type = " + std::string(status),
                                  "Acct-Session-Id = \"" + id + "\"",
                                  "Calling-Station-Id = \"" + msisdn + "\"",
                                  "Called-Station-Id = \"internet.mvne\"",
                                  "3GPP-IMSI = \"" + imsi + "\"",
                                  "Event-Timestamp = " + epoch(at),
                                  "Acct-Input-Octets = " + std::to_string(in % 4294967296LL),
                                  "Acct-Input-Gigawords = " + std::to_string(in / 4294967296LL),
                                  "Acct-Output-Octets = " + std::to_string(out),
                                  "Acct-Session-Time = " + std::to_string(seconds),
                                  "Filter-Id = \"" + std::string(speed) + "\""};
    if (cause != nullptr) a.push_back("Acct-Terminate-Cause = " + std::string(cause));
    return send(a);
  }

  // S3: the moved number's previous holder (acme), the day before the move; S4: its new
  // holder (bolt), the day after. True when every request was answered.
  bool moved_number_sessions() {
    const std::string moved = "819033330001";
    return session("s3", moved, "440100000000003", "Start", "2026-11-09T20:00:00Z", 0, 0, 0) &&
           session("s3", moved, "440100000000003", "Stop", "2026-11-09T22:00:00Z", 1000000, 1000000,
                   7200) &&
           session("s4", moved, "440100000000004", "Start", "2026-11-11T08:00:00Z", 0, 0, 0) &&
           session("s4", moved, "440100000000004", "Stop", "2026-11-11T09:00:00Z", 3000000, 0,
                   3600);
  }

  // Sets the consumer's password and logs it in through the app API: its bearer token.
  std::string consumer_token(const std::string& tenant, const std::string& account) {
    auto& consumers = *host_.services().consumers;
    auto who = consumers.find(tenant, account).value();
    EXPECT_TRUE(consumers.set_password(who, "password 12345", now_us()).ok());
    json login = {{"tenant", tenant}, {"account", account}, {"password", "password 12345"}};
    return json::parse(http_post(host_.port(), "/portal/api/v1/login", login.dump()).body)
        .value("token", "");
  }

  json get(const std::string& tenant, const std::string& target) {
    auto r = http_get(host_.port(), target, {{"Authorization", "Bearer " + keys_[tenant]}});
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }

  TestDatabase db_{GetParam()};
  TempDir dir_;
  InProcessHost host_{fixture_settings({"data_sessions"},
                                       {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
                                        "plugin.data_sessions.listen=127.0.0.1:0",
                                        "plugin.data_sessions.client_secrets=127.0.0.1=testing123",
                                        "portal.hash_memory_kib=256", "portal.hash_passes=1"}),
                      db_.db()};
  std::map<std::string, std::string> keys_;
  uint16_t port_ = 0;
};

TEST_P(DataSessionsTest, RadclientSessionsReadBackPerTenant) {
  const std::string a1 = "819011110001", b1 = "819022220001";
  // S1, acme: 23:00 to 01:00 in Tokyo, split over two days.
  ASSERT_TRUE(session("s1", a1, "440100000000001", "Start", "2026-11-04T14:00:00Z", 0, 0, 0));
  ASSERT_TRUE(session("s1", a1, "440100000000001", "Interim-Update", "2026-11-04T15:00:00Z", 500000,
                      2500000, 3600));
  ASSERT_TRUE(session("s1", a1, "440100000000001", "Stop", "2026-11-04T16:00:00Z", 1000000, 5000000,
                      7200, "high", "User-Request"));
  // S2, bolt, low speed; its Stop sent again after it was stored (as a gateway that fails
  // over does): the second one counts nothing, though the Interim came between.
  ASSERT_TRUE(
      session("s2", b1, "440100000000002", "Start", "2026-11-05T10:00:00Z", 0, 0, 0, "low"));
  ASSERT_TRUE(session("s2", b1, "440100000000002", "Interim-Update", "2026-11-05T11:00:00Z",
                      1000000, 1000000, 3600, "low"));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(session("s2", b1, "440100000000002", "Stop", "2026-11-05T12:00:00Z", 2000000,
                        2000000, 7200, "low", "Idle-Timeout"));
  }
  ASSERT_TRUE(moved_number_sessions());
  // S5, acme: a counter goes backwards; that interval counts nothing.
  ASSERT_TRUE(session("s5", a1, "440100000000001", "Start", "2026-11-06T00:00:00Z", 0, 0, 0));
  ASSERT_TRUE(session("s5", a1, "440100000000001", "Interim-Update", "2026-11-06T01:00:00Z", 1000,
                      1000, 3600));
  ASSERT_TRUE(session("s5", a1, "440100000000001", "Interim-Update", "2026-11-06T02:00:00Z", 500,
                      500, 7200));
  ASSERT_TRUE(
      session("s5", a1, "440100000000001", "Stop", "2026-11-06T03:00:00Z", 800, 900, 10800));
  // S6, acme: still open when the gateway sends Accounting-On.
  ASSERT_TRUE(session("s6", a1, "440100000000001", "Start", "2026-11-07T00:00:00Z", 0, 0, 0));
  ASSERT_TRUE(session("s6", a1, "440100000000001", "Interim-Update", "2026-11-07T01:00:00Z", 100,
                      100, 3600));
  ASSERT_TRUE(send(
      {"Acct-Status-Type = Accounting-On", "Event-Timestamp = " + epoch("2026-11-07T02:00:00Z")}));

  auto ids = [](const json& sessions) {
    std::set<std::string> out;
    for (const auto& s : sessions["sessions"]) out.insert(s["session_id"]);
    return out;
  };
  json acme = get("acme", "/api/v1/data/sessions");
  json bolt = get("bolt", "/api/v1/data/sessions");
  EXPECT_EQ(ids(acme), (std::set<std::string>{"s1", "s3", "s5", "s6"}));
  EXPECT_EQ(ids(bolt), (std::set<std::string>{"s2", "s4"}));
  for (const auto& s : acme["sessions"]) {
    if (s["session_id"] == "s1") {
      EXPECT_EQ(s["start"], "2026-11-04T14:00:00Z");
      EXPECT_EQ(s["end"], "2026-11-04T16:00:00Z");
      EXPECT_EQ(s["bytes_up"], 1000000);
      EXPECT_EQ(s["bytes_down"], 5000000);
      EXPECT_EQ(s["apn"], "internet.mvne");
      EXPECT_EQ(s["terminate_cause"], "User-Request");
    }
    if (s["session_id"] == "s6") {
      EXPECT_EQ(s["end"], "2026-11-07T02:00:00Z");
      EXPECT_EQ(s["terminate_cause"], "NAS-Reboot");
    }
  }

  // Daily usage in each tenant's zone: (date, line) -> (high, low).
  auto daily = [&](const std::string& tenant) {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> out;
    json days = get(tenant, "/api/v1/data/daily?month=2026-11");
    EXPECT_TRUE(days.contains("days")) << days.dump();
    for (const auto& d : days["days"])
      out[{d["date"], d["msisdn"]}] = {d["high_speed_bytes"], d["low_speed_bytes"]};
    return out;
  };
  using Day = std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>>;
  // acme is in Tokyo: S1 (23:00-01:00) is split at midnight; S3 is the moved number's
  // previous holder; S5 counts 2000 + 700 (nothing for the interval that went backwards).
  EXPECT_EQ(daily("acme"), (Day{{{"2026-11-04", "+819011110001"}, {3000000, 0}},
                                {{"2026-11-05", "+819011110001"}, {3000000, 0}},
                                {{"2026-11-06", "+819011110001"}, {2700, 0}},
                                {{"2026-11-07", "+819011110001"}, {200, 0}},
                                {{"2026-11-10", "+819033330001"}, {2000000, 0}}}));
  // bolt is on UTC: S2 once (its Stop came twice), and only the new holder's S4.
  EXPECT_EQ(daily("bolt"), (Day{{{"2026-11-05", "+819022220001"}, {0, 4000000}},
                                {{"2026-11-11", "+819033330001"}, {3000000, 0}}}));
  EXPECT_GE(host_.metrics().ingest_records("data_sessions", "duplicate"), 1u);

  // The daily export of bolt's 2026-11-11 holds the new holder's usage alone.
  for (const auto& p : host_.plugins().running()) {
    auto tenant = host_.services().directory->tenant("bolt").value();
    auto out = exports::run(*p, p->registrations().exports.at(0), tenant, "2026-11-11");
    ASSERT_TRUE(out.ok()) << out.status().message();
    std::ifstream in(out->file);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(),
              "date,msisdn,high_speed_bytes,low_speed_bytes\n2026-11-11,+819033330001,3000000,0\n");
  }
  EXPECT_EQ(host_.metrics().ingest_records("data_sessions", "quarantined"), 0u);

  // A line filter, a day range and CSV.
  json one = get("bolt", "/api/v1/data/daily?msisdn=090-3333-0001&from=2026-11-01&to=2026-11-30");
  ASSERT_EQ(one["days"].size(), 1u);
  auto csv = http_get(host_.port(), "/api/v1/data/sessions?msisdn=819033330001",
                      {{"Authorization", "Bearer " + keys_["bolt"]}, {"Accept", "text/csv"}});
  EXPECT_NE(csv.body.find("s4,+819033330001,2026-11-11T08:00:00Z,2026-11-11T09:00:00Z,3600,"),
            std::string::npos)
      << csv.body;
  EXPECT_EQ(csv.body.find("s3"), std::string::npos);
  auto bad = http_get(host_.port(), "/api/v1/data/daily?month=November",
                      {{"Authorization", "Bearer " + keys_["bolt"]}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"parameter\":\"month\""), std::string::npos) << bad.body;
}

// Sends raw bytes to the listener from `source` (a loopback address).
void send_raw(uint16_t port, const std::string& bytes, const char* source = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(fd);
}

// A tenant's API key on a consumer route is refused with a message saying what the route
// needs, not that the key is invalid.
// Seed case 4 through the consumer's own login: the recycled number's previous holder (acme's
// u2) and its new holder (bolt's u2) each see only the connection history and daily use of
// their own holding; a third consumer sees neither.
TEST_P(DataSessionsTest, EachHolderOfARecycledNumberSeesOnlyItsOwnHistory) {
  ASSERT_TRUE(moved_number_sessions());
  ASSERT_TRUE(
      eventually([&] { return get("bolt", "/api/v1/data/sessions")["sessions"].size() == 1; }));
  auto as_consumer = [&](const std::string& tenant, const std::string& account,
                         const std::string& target) {
    auto r = http_get(host_.port(), target,
                      {{"Authorization", "Bearer " + consumer_token(tenant, account)}});
    EXPECT_EQ(r.status, 200) << tenant << "/" << account << " " << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  };
  auto session_ids = [](const json& body) {
    std::set<std::string> ids;
    for (const auto& s : body["sessions"]) ids.insert(s["session_id"]);
    return ids;
  };
  auto days = [](const json& body) {
    std::map<std::string, int64_t> out;
    for (const auto& d : body["days"]) {
      out[d["date"]] += d["high_speed_bytes"].get<int64_t>() + d["low_speed_bytes"].get<int64_t>();
    }
    return out;
  };
  EXPECT_EQ(session_ids(as_consumer("acme", "u2", "/portal/api/v1/data/sessions")),
            std::set<std::string>{"s3"});
  EXPECT_EQ(session_ids(as_consumer("bolt", "u2", "/portal/api/v1/data/sessions")),
            std::set<std::string>{"s4"});
  EXPECT_TRUE(session_ids(as_consumer("acme", "u1", "/portal/api/v1/data/sessions")).empty());
  // Acme is in Tokyo: s3 (20:00-22:00 UTC on the 9th) is the 10th there; bolt is in UTC.
  EXPECT_EQ(days(as_consumer("acme", "u2", "/portal/api/v1/data/daily")),
            (std::map<std::string, int64_t>{{"2026-11-10", 2000000}}));
  EXPECT_EQ(days(as_consumer("bolt", "u2", "/portal/api/v1/data/daily")),
            (std::map<std::string, int64_t>{{"2026-11-11", 3000000}}));
}

// The usage route: each holder of the recycled number gets its own month's balance (2.5 MB
// a month; unused quota carries over to the next month and is used first) and daily use,
// high and low speed apart, in its tenant's days.
TEST_P(DataSessionsTest, UsageIsEachConsumersOwnBalance) {
  ASSERT_TRUE(moved_number_sessions());
  ASSERT_TRUE(session("s5", "819033330001", "440100000000004", "Start", "2026-11-12T08:00:00Z", 0,
                      0, 0, "low"));
  ASSERT_TRUE(session("s5", "819033330001", "440100000000004", "Stop", "2026-11-12T08:30:00Z",
                      400000, 0, 1800, "low"));
  ASSERT_TRUE(
      eventually([&] { return get("bolt", "/api/v1/data/sessions")["sessions"].size() == 2; }));
  auto usage = [&](const std::string& tenant, const std::string& account,
                   const std::string& query) {
    auto r = http_get(host_.port(), "/portal/api/v1/usage" + query,
                      {{"Authorization", "Bearer " + consumer_token(tenant, account)}});
    EXPECT_EQ(r.status, 200) << tenant << "/" << account << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  };
  json acme = usage("acme", "u2", "?month=2026-11");
  EXPECT_EQ(acme["month"], "2026-11");
  EXPECT_EQ(acme["quota_bytes"], 2500000);
  EXPECT_EQ(acme["carried_over_bytes"], 2500000) << "October's quota, unused";
  EXPECT_EQ(acme["used_bytes"], 2000000) << "s3 only, before the move";
  EXPECT_EQ(acme["left_bytes"], 3000000);
  EXPECT_EQ(acme["from"], "2026-10-31T15:00:00Z") << "November in Tokyo";
  EXPECT_EQ(acme["days"], json::parse(R"([{"date":"2026-11-10","high_speed_bytes":2000000,)"
                                      R"("low_speed_bytes":0}])"));
  EXPECT_FALSE(acme.value("as_of", "").empty());
  json bolt = usage("bolt", "u2", "?month=2026-11");
  EXPECT_EQ(bolt["carried_over_bytes"], 0) << "its line began on November 10";
  EXPECT_EQ(bolt["used_bytes"], 3000000) << "s4; s5 was at low speed";
  EXPECT_EQ(bolt["left_bytes"], 0);
  EXPECT_EQ(bolt["days"].size(), 2u);
  EXPECT_EQ(bolt["days"][1]["low_speed_bytes"], 400000);
  EXPECT_EQ(usage("acme", "u2", "?month=2026-12")["carried_over_bytes"], 2500000)
      << "November's own quota was untouched: the carried-over bytes went first";
  EXPECT_EQ(usage("acme", "u1", "?month=2026-11")["used_bytes"], 0);
  EXPECT_FALSE(usage("acme", "u1", "")["month"].get<std::string>().empty());

  auto bad = http_get(host_.port(), "/portal/api/v1/usage?month=2026-13",
                      {{"Authorization", "Bearer " + consumer_token("acme", "u1")}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/usage").status, 401);
}

TEST_P(DataSessionsTest, TenantKeyOnAConsumerRouteIsToldWhatTheRouteNeeds) {
  auto r = http_get(host_.port(), "/portal/api/v1/data/sessions",
                    {{"Authorization", "Bearer " + keys_["acme"]}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("login session"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("valid API key"), std::string::npos) << r.body;
}

TEST_P(DataSessionsTest, BadPacketsAreDroppedAndCountedByReason) {
  auto& m = host_.metrics();
  EXPECT_FALSE(send({"Acct-Status-Type = Start", "Acct-Session-Id = \"x2\"",
                     "Calling-Station-Id = \"819011110001\""},
                    "not-the-secret"));
  send_raw(port_, "\x04\x01\x00\xff too short for its length");
  send_raw(port_, std::string(20, '\0'));  // length field 0
  send_raw(port_, "\x04\x02\x00\x14" + std::string(16, 'a'), "127.0.0.2");
  ASSERT_TRUE(eventually([&] {
    return m.datagrams("data_sessions", "malformed") == 2 &&
           m.datagrams("data_sessions", "unknown_client") == 1 &&
           m.datagrams("data_sessions", "bad_authenticator") == 1;
  }));
  // The host is still serving.
  EXPECT_TRUE(
      session("x3", "819011110001", "440100000000001", "Start", "2026-11-04T14:00:00Z", 0, 0, 0));
  auto metrics = http_get(host_.port(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(mvne_datagrams_total{plugin="data_sessions",outcome="malformed"} 2)"),
            std::string::npos);
}

// An answer means "stored": when the batch cannot be stored (here its table is gone), the
// gateway gets no answer and retransmits later.
TEST_P(DataSessionsTest, NoAnswerWhenTheRecordIsNotStored) {
  ASSERT_TRUE(
      session("ok", "819011110001", "440100000000001", "Start", "2026-11-04T14:00:00Z", 0, 0, 0));
  ASSERT_TRUE(db_.db()->execute("DROP TABLE rec_data_sessions_event").ok());
  EXPECT_FALSE(
      session("lost", "819011110001", "440100000000001", "Start", "2026-11-04T15:00:00Z", 0, 0, 0));
}

// An Interim that could not be stored is not answered; its retransmission, once storage is
// back, counts the interval once, and the session's total is what the gateway counted (the
// counters of the failed attempt were never taken as the session's state).
TEST_P(DataSessionsTest, RetransmissionAfterAFailedStoreCountsOnce) {
  const std::string a1 = "819011110001", imsi = "440100000000001";
  ASSERT_TRUE(session("r1", a1, imsi, "Start", "2026-11-05T01:00:00Z", 0, 0, 0));
  auto& db = *db_.db();
  ASSERT_TRUE(db.execute("ALTER TABLE rec_data_sessions_usage RENAME TO usage_away").ok());
  EXPECT_FALSE(session("r1", a1, imsi, "Interim-Update", "2026-11-05T01:10:00Z", 1000, 5000, 600));
  ASSERT_TRUE(db.execute("ALTER TABLE usage_away RENAME TO rec_data_sessions_usage").ok());
  EXPECT_TRUE(session("r1", a1, imsi, "Interim-Update", "2026-11-05T01:10:00Z", 1000, 5000, 600));
  EXPECT_TRUE(session("r1", a1, imsi, "Interim-Update", "2026-11-05T01:10:00Z", 1000, 5000, 600));
  EXPECT_TRUE(session("r1", a1, imsi, "Stop", "2026-11-05T01:20:00Z", 3000, 9000, 1200));
  json days = get("acme", "/api/v1/data/daily?month=2026-11&msisdn=" + a1);
  ASSERT_EQ(days["days"].size(), 1u) << days.dump();
  EXPECT_EQ(days["days"][0]["date"], "2026-11-05");
  EXPECT_EQ(days["days"][0]["high_speed_bytes"], 12000);
  EXPECT_EQ(days["days"][0]["low_speed_bytes"], 0);
}

// Seed case 5: two holders' accounts merged by mistake is refused, so neither reads the
// other's sessions.
TEST_P(DataSessionsTest, MistakenMergeIsRefused) {
  ASSERT_TRUE(
      session("m1", "819011110001", "440100000000001", "Start", "2026-11-04T14:00:00Z", 0, 0, 0));
  Status merged = host_.services().directory->merge_accounts("acme", "u2", "u1");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.message().find("e-mail"), std::string::npos) << merged.message();
}

// A bad client list or speed attribute fails the plugin's start with the reason, and the
// secret is not in it.
TEST(DataSessionsConfig, BadClientsOrSpeedAttributeFailTheStart) {
  struct Case {
    const char* setting;
    const char* reason;
  } cases[] = {{"plugin.data_sessions.client_secrets=10.0.0.0/40=hunter2", "client entry 1"},
               {"plugin.data_sessions.client_secrets=", "no clients"},
               {"plugin.data_sessions.speed_attribute=26:x", "speed_attribute"}};
  for (const Case& c : cases) {
    std::vector<std::string> settings = {
        std::string("plugins.dir=") + MVNE_PLUGIN_DIR, "plugin.data_sessions.listen=127.0.0.1:0",
        "plugin.data_sessions.client_secrets=127.0.0.1=x", c.setting};
    InProcessHost host(fixture_settings({"data_sessions"}, settings));
    EXPECT_TRUE(host.plugins().running().empty()) << c.setting;
    std::string reason;
    for (const auto& s : host.plugins().statuses()) reason += s.reason;
    EXPECT_NE(reason.find(c.reason), std::string::npos) << reason;
    EXPECT_EQ(reason.find("hunter2"), std::string::npos) << reason;
  }
}

// A secret holding a comma splits into two entries; the error names the entry by position
// and shows no part of the secret (the reason is public in /readyz).
TEST(DataSessionsConfig, ClientErrorsNeverEchoSecretMaterial) {
  for (const char* spec :
       {"127.0.0.1=hunter2,tail-of-secret", "127.0.0.1=hunter2,tail=of-secret"}) {
    std::vector<std::string> settings = {
        std::string("plugins.dir=") + MVNE_PLUGIN_DIR, "plugin.data_sessions.listen=127.0.0.1:0",
        std::string("plugin.data_sessions.client_secrets=") + spec};
    InProcessHost host(fixture_settings({"data_sessions"}, settings));
    EXPECT_TRUE(host.plugins().running().empty()) << spec;
    std::string reason;
    for (const auto& s : host.plugins().statuses()) reason += s.reason;
    EXPECT_NE(reason.find("client entry 2"), std::string::npos) << reason;
    EXPECT_EQ(reason.find("tail"), std::string::npos) << reason;
    EXPECT_EQ(reason.find("of-secret"), std::string::npos) << reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DataSessionsTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
