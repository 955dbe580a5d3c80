// The sms plugin through the SDK's test host, as its author would test it: a sent message
// is charged per segment at the sender's plan, a received one is free; each consumer lists
// only the messages of its own line.
#include <gtest/gtest.h>
#include <mvne/testing/test_host.hpp>
#include <nlohmann/json.hpp>

namespace {

using mvne::testing::TestHost;
using nlohmann::json;

TEST(SmsPlugin, ChargesSentSegmentsAndShowsEachConsumerItsOwn) {
  TestHost host({.plugin_dirs = {MVNE_PLUGIN_DIR},
                 .plugins = {"sms"},
                 .settings = {"plugin.sms.spool_dir={dir}/sms"}});
  host.add_tenant("acme");
  host.add_plan("acme", {.code = "basic", .sms_per_segment = 3.3});
  host.add_subscriber("acme", "A-1", "basic");
  host.add_subscriber("acme", "A-2", "basic");
  host.assign_line("acme", "A-1", "09011110001", "2026-10-01T00:00:00+09:00");
  host.assign_line("acme", "A-2", "09011110002", "2026-10-01T00:00:00+09:00");
  auto file = host.spool("sms", "smsc.csv",
                         "record_id,time,direction,sender,recipient,imsi,smsc,status,segments\n"
                         "s1,2026-11-05T09:00:00+09:00,MO,09011110001,09077770001,,smsc1,OK,2\n"
                         "s2,2026-11-05T09:05:00+09:00,MT,09077770001,09011110001,,smsc1,OK,1\n"
                         "s3,2026-11-05T09:10:00+09:00,MO,09011110002,09077770002,,smsc1,OK,1\n");
  ASSERT_TRUE(file.done) << file.error;
  EXPECT_EQ(file.stored, 3);

  auto a1 = host.get("/portal/api/v1/messages", host.consumer_token("acme", "A-1"));
  ASSERT_EQ(a1.status, 200) << a1.body;
  auto records = json::parse(a1.body).at("records");
  ASSERT_EQ(records.size(), 2u) << a1.body;
  for (const auto& r : records) {
    EXPECT_NE(r.at("record_id"), "s3");
    EXPECT_DOUBLE_EQ(r.at("charge").get<double>(), r.at("direction") == "MO" ? 6.6 : 0) << r;
  }
  auto a2 = host.get("/portal/api/v1/messages", host.consumer_token("acme", "A-2"));
  EXPECT_EQ(json::parse(a2.body).at("records").size(), 1u) << a2.body;
}

}  // namespace
