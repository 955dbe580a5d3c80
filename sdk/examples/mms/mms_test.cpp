// The mms plugin in an in-process host (mvne::testing::TestHost): two MVNOs, a number that
// passes from one subscriber to another, an MMSC file with a bad line. Each MVNO and each
// consumer sees only its own messages, priced from its own plan.
#include <gtest/gtest.h>
#include <mvne/testing/test_host.hpp>
#include <nlohmann/json.hpp>

#include <set>

namespace {

using mvne::testing::TestHost;
using nlohmann::json;

// Sent by 090-1111-0001 (acme's A-1 until 10:00 on 5 Nov, then its A-2), 090-2222-0001
// (bolt's B-1) and a line nobody holds; one line the MMSC wrote wrongly.
const char kMmscFile[] =
    "message_id,submitted_at,direction,from,to,imsi,size_bytes\n"
    "m1,2026-11-05T09:00:00+09:00,MO,09011110001,09077770001,,120000\n"
    "m2,2026-11-05T09:30:00+09:00,MT,09077770002,09011110001,,40000\n"
    "m3,2026-11-05T11:00:00+09:00,MO,09011110001,09077770003,,300000\n"
    "m4,2026-11-06T08:00:00+09:00,MO,09022220001,09077770004,,50000\n"
    "m5,2026-11-06T08:00:00+09:00,MO,09099990001,09077770005,,50000\n"
    "m6,yesterday,MO,09022220001,09077770006,,50000\n";

class MmsTest : public ::testing::Test {
 protected:
  MmsTest()
      : host_({.plugin_dirs = {MMS_PLUGIN_DIR},
               .plugins = {"mms"},
               .settings = {"plugin.mms.spool_dir={dir}/mms"}}) {
    host_.add_tenant("acme");
    host_.add_tenant("bolt");
    host_.add_plan("acme", {.code = "basic", .class_rates = "mms=30"});
    host_.add_plan("bolt", {.code = "lite", .class_rates = "mms=25,mms_received=5"});
    host_.add_subscriber("acme", "A-1", "basic");
    host_.add_subscriber("acme", "A-2", "basic");
    host_.add_subscriber("bolt", "B-1", "lite");
    host_.assign_line("acme", "A-1", "09011110001", "2026-10-01T00:00:00+09:00");
    host_.move_line("09011110001", "acme", "A-2", "2026-11-05T10:00:00+09:00");
    host_.assign_line("bolt", "B-1", "09022220001", "2026-10-01T00:00:00+09:00");
  }

  // The message ids of a list reply.
  static std::set<std::string> ids(const mvne::testing::Response& r) {
    std::set<std::string> out;
    const json reply = json::parse(r.body);
    for (const auto& m : reply.at("messages")) out.insert(m.at("message_id").get<std::string>());
    return out;
  }

  TestHost host_;
};

TEST_F(MmsTest, StoresRatesAndQuarantinesWhatItCannotUse) {
  auto file = host_.spool("mms", "mmsc-20261106.csv", kMmscFile);
  EXPECT_TRUE(file.done) << file.error;
  EXPECT_EQ(file.stored, 4);       // m1..m4
  EXPECT_EQ(file.quarantined, 2);  // m5: nobody's line; m6: not a time
  auto quarantined = host_.quarantine();  // the line with its number, the record with why
  ASSERT_EQ(quarantined.size(), 2u);
  std::set<std::string> items;
  for (const auto& q : quarantined) items.insert(q.source + ": " + q.reason);
  EXPECT_NE(items.begin()->find("mmsc-20261106.csv: msisdn +819099990001 has no assignment"),
            std::string::npos)
      << *items.begin();
  EXPECT_NE(items.rbegin()->find("mmsc-20261106.csv:7: time 'yesterday'"), std::string::npos)
      << *items.rbegin();

  auto acme = host_.get("/api/v1/mms/records?from=2026-11-01&to=2026-11-30", host_.api_key("acme"));
  ASSERT_EQ(acme.status, 200) << acme.body;
  EXPECT_EQ(ids(acme), (std::set<std::string>{"m1", "m2", "m3"}));
  const json acme_reply = json::parse(acme.body);
  for (const auto& m : acme_reply.at("messages"))
    EXPECT_EQ(m.at("charge").get<double>(), m.at("direction") == "MO" ? 30 : 0) << m.dump();
  auto bolt = host_.get("/api/v1/mms/records?from=2026-11-01&to=2026-11-30", host_.api_key("bolt"));
  EXPECT_EQ(ids(bolt), (std::set<std::string>{"m4"}));
  EXPECT_EQ(json::parse(bolt.body).at("messages")[0].at("charge").get<double>(), 25);

  auto again = host_.spool("mms", "mmsc-20261106-resent.csv", std::string(kMmscFile) + "\n");
  EXPECT_EQ(again.stored, 0);
  EXPECT_EQ(again.duplicates, 4);
}

TEST_F(MmsTest, SummaryIsPerLineForTheMonth) {
  host_.spool("mms", "mmsc.csv", kMmscFile);
  auto r = host_.get("/api/v1/mms/summary?month=2026-11", host_.api_key("acme"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto totals = json::parse(r.body).at("totals");
  EXPECT_EQ(totals.at("messages"), 3);
  EXPECT_EQ(totals.at("bytes"), 460000);
  EXPECT_EQ(totals.at("charges"), 60);
  EXPECT_EQ(host_.get("/api/v1/mms/summary", host_.api_key("acme")).status, 400);
}

TEST_F(MmsTest, EachConsumerSeesOnlyItsOwnHolding) {
  host_.spool("mms", "mmsc.csv", kMmscFile);
  auto a1 = host_.get("/portal/api/v1/mms", host_.consumer_token("acme", "A-1"));
  ASSERT_EQ(a1.status, 200) << a1.body;
  EXPECT_EQ(ids(a1), (std::set<std::string>{"m1", "m2"}));
  auto a2 = host_.get("/portal/api/v1/mms", host_.consumer_token("acme", "A-2"));
  EXPECT_EQ(ids(a2), (std::set<std::string>{"m3"}));
  EXPECT_EQ(host_.get("/portal/api/v1/mms").status, 401);
}

TEST_F(MmsTest, DailyExportHoldsTheTenantsDay) {
  host_.spool("mms", "mmsc.csv", kMmscFile);
  std::string acme = host_.run_export("mms", "acme", "2026-11-05");
  EXPECT_EQ(acme.rfind("message_id,sent_at,", 0), 0u) << acme;
  for (const char* id : {"m1,", "m2,", "m3,"}) EXPECT_NE(acme.find(id), std::string::npos) << id;
  EXPECT_EQ(acme.find("m4,"), std::string::npos);
  std::string bolt = host_.run_export("mms", "bolt", "2026-11-05");
  EXPECT_EQ(bolt.find("m1,"), std::string::npos);
}

}  // namespace
