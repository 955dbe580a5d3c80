// Notices the platform mails consumers by itself, on both backends: a usage alert at 80% and
// at 100% of the month's data allowance, each once a month, also when the host restarts; a
// bill notice once per bill when a month closes; each to the subscriber's own address.
#include "core/mail/consumer_notices.h"

#include <gtest/gtest.h>

#include "core/common/time.h"
#include "core/records/record_kind.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class ConsumerNoticesTest : public ::testing::TestWithParam<std::string> {
 protected:
  ConsumerNoticesTest() {
    services_ = services();
    auto& dir = *services_->directory;
    EXPECT_TRUE(dir.add_tenant({0, "acme", "Acme Mobile", "Asia/Tokyo", "/tmp", {}}).ok());
    tenancy::Plan plan;
    plan.tenant_code = "acme";
    plan.code = "1mb";
    plan.data_quota_bytes = 1000000;
    plan.monthly_fee = 980;
    EXPECT_TRUE(dir.add_plan(plan).ok());
    EXPECT_TRUE(dir.add_subscriber({0, "acme", "A-1", "S1", "1mb", "a1@acme.example"}).ok());
    tenancy::LineAssignment line;
    line.tenant_code = "acme";
    line.account_id = "A-1";
    line.msisdn = "09011110001";
    line.valid_from = parse_time_us("2026-11-01T00:00:00+09:00").value();  // nothing carried in
    line.valid_to = kForever;
    EXPECT_TRUE(dir.assign(line).ok());
    kind_.plugin = "data";
    kind_.kind = "usage";
    kind_.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
                    {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
                    {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
                    {"bytes", MVNE_FIELD_INT64, MVNE_ROLE_QUOTA_BYTES}};
    EXPECT_TRUE(records::validate(kind_).ok());
    EXPECT_TRUE(services_->records->ensure(kind_).ok());
  }
  std::unique_ptr<platform::Services> services() {
    config::MailConfig relay;
    relay.relay_host = "127.0.0.1";
    relay.relay_port = sink_.port();
    relay.starttls = "off";
    return platform::Services::on(db_.db(), {}, nullptr, {}, relay);
  }
  void use(const std::string& id, int64_t bytes) {
    auto counts = services_->records->submit(
        kind_, {{id, parse_time_us("2026-11-05T10:00:00+09:00").value(), "09011110001", bytes}},
        "test");
    ASSERT_TRUE(counts.ok() && counts->stored == 1) << counts.status().message();
  }

  SmtpSink sink_;
  TestDatabase db_{GetParam()};
  std::unique_ptr<platform::Services> services_;
  records::KindDef kind_;
  const int64_t now_ = parse_time_us("2026-11-20T12:00:00+09:00").value();
};

TEST_P(ConsumerNoticesTest, UsageAlertsAt80And100PercentOnceAMonth) {
  mail::ConsumerNotices notices(services_.get());
  use("u1", 790000);
  EXPECT_EQ(notices.check_usage(now_), 0) << "79%";
  use("u2", 60000);
  EXPECT_EQ(notices.check_usage(now_), 1) << "85%: the 80% alert";
  EXPECT_EQ(notices.check_usage(now_), 0) << "once";
  use("u3", 200000);
  EXPECT_EQ(notices.check_usage(now_), 1) << "105%: the 100% alert";
  auto restarted = services();
  EXPECT_EQ(mail::ConsumerNotices(restarted.get()).check_usage(now_), 0) << "once, across restarts";

  EXPECT_EQ(services_->mail->deliver_due(), 2);
  auto got = sink_.messages();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& m : got) EXPECT_EQ(m.rcpt_tos, std::vector<std::string>{"a1@acme.example"});
  auto listed = services_->mail->outbox().list("", 10).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].purpose, "usage_alert");
  EXPECT_EQ(listed[0].principal, "consumer:acme/A-1");
}

TEST_P(ConsumerNoticesTest, ABillNoticeForEachBillOnce) {
  mail::ConsumerNotices notices(services_.get());
  use("u1", 1000);
  auto run = services_->bills->close_month("acme", "2026-11",
                                           parse_time_us("2026-12-03T00:00:00+09:00").value());
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(notices.bills_closed("acme", "2026-11"), 1);
  EXPECT_EQ(notices.bills_closed("acme", "2026-11"), 0) << "once per bill";
  EXPECT_EQ(services_->mail->deliver_due(), 1);
  auto got = sink_.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rcpt_tos, std::vector<std::string>{"a1@acme.example"});
  EXPECT_NE(got[0].data.find("Subject: =?UTF-8?B?"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsumerNoticesTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
