// Closing a month into bills, on both backends: the plan fee plus the month's rated records
// in the tenant's time zone; a closed bill never changes; a late record and a backdated
// correction become adjustments on the next bill (a charge for the new holder, a credit for
// the old); months close in order and only once they have ended.
#include "core/billing/bills.h"

#include "core/billing/data_allowance.h"
#include "core/billing/month_closer.h"

#include <gtest/gtest.h>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/jobs/job_claims.h"
#include "core/records/record_store.h"
#include "core/tenancy/directory.h"
#include "tests/support/test_database.h"

namespace mvne::billing {
namespace {

int64_t at(const char* iso) { return parse_time_us(iso).value(); }

class BillsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.add_tenant({0, "acme", "Acme", "Asia/Tokyo", "/tmp", {}}).ok());
    tenancy::Plan plan{0, "acme", "basic", "Basic", 0, 60, 1, 3, 0, "", 1000};
    ASSERT_TRUE(dir_.add_plan(plan).ok());
    for (const char* a : {"u1", "u2"}) {
      ASSERT_TRUE(
          dir_.add_subscriber({0, "acme", a, "svc", "basic", std::string(a) + "@x.jp"}).ok());
    }
    ASSERT_TRUE(
        dir_.assign({"acme", "u1", "", "090-1111-0001", "", "", at("2026-01-01"), kForever}).ok());
    ASSERT_TRUE(
        dir_.assign({"acme", "u2", "", "090-1111-0002", "", "", at("2026-01-01"), kForever}).ok());
    kind_.plugin = "voice";
    kind_.kind = "cdr";
    kind_.rating = MVNE_RATING_VOICE;
    kind_.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
                    {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
                    {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
                    {"seconds", MVNE_FIELD_INT64, MVNE_ROLE_RATED_UNITS},
                    {"type", MVNE_FIELD_TEXT, MVNE_ROLE_RATING_CLASS},
                    {"charge", MVNE_FIELD_DOUBLE, MVNE_ROLE_CHARGE}};
    ASSERT_TRUE(records::validate(kind_).ok());
    ASSERT_TRUE(store_.ensure(kind_).ok());
  }
  // A call of `seconds` (60 per minute, per second: one per second).
  void call(const std::string& id, const char* when, const std::string& msisdn, int64_t seconds) {
    auto counts =
        store_.submit(kind_, {{id, at(when), msisdn, seconds, std::string("outgoing"), 0.0}}, "t");
    ASSERT_TRUE(counts.ok()) << counts.status().message();
    ASSERT_EQ(counts->stored, 1) << id;
  }
  Bill bill_of(const std::string& account, const std::string& period) {
    for (const auto& b : bills_.of_tenant("acme", period).value()) {
      if (b.account_id == account) return b;
    }
    ADD_FAILURE() << "no bill for " << account << " " << period;
    return {};
  }
  static double line(const Bill& b, const std::string& kind) {
    double sum = 0;
    for (const auto& l : b.lines) sum += l.kind == kind ? l.amount : 0;
    return sum;
  }

  mvne::testing::TestDatabase test_db_{GetParam()};
  tenancy::Directory dir_{test_db_.db(), {}};
  records::RecordStore store_{test_db_.db(), {}};
  records::KindDef kind_;
  Bills bills_{test_db_.db()};
  int64_t now_ = now_us();
};

TEST_P(BillsTest, MonthClosesInTheTenantsZoneAndNeverChanges) {
  call("c1", "2026-10-10T10:00:00+09:00", "09011110001", 60);
  call("c2", "2026-10-31T23:30:00+09:00", "09011110001", 60);
  call("c3", "2026-11-01T00:10:00+09:00", "09011110001", 60);  // still October in UTC
  call("c4", "2026-10-20T10:00:00+09:00", "09011110002", 120);

  auto october = bills_.close_month("acme", "2026-10", now_);
  ASSERT_TRUE(october.ok()) << october.status().message();
  EXPECT_FALSE(october->already_closed);
  EXPECT_EQ(october->bills, 2);
  EXPECT_EQ(october->records, 3);
  EXPECT_DOUBLE_EQ(october->total, 2240);
  Bill u1 = bill_of("u1", "2026-10");
  EXPECT_DOUBLE_EQ(u1.total, 1120);
  EXPECT_DOUBLE_EQ(line(u1, "plan"), 1000);
  EXPECT_DOUBLE_EQ(line(u1, "usage"), 120);
  EXPECT_DOUBLE_EQ(bill_of("u2", "2026-10").total, 1120);

  auto again = bills_.close_month("acme", "2026-10", now_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_closed);
  EXPECT_EQ(bills_.of_tenant("acme", "2026-10")->size(), 2u);

  EXPECT_EQ(bills_.close_month("acme", "2026-12", now_).status().code(), Code::kFailedPrecondition)
      << "December has not ended";
  EXPECT_EQ(bills_.close_month("acme", "2026-13", now_).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bills_.close_month("nobody", "2026-10", now_).status().code(), Code::kNotFound);
  ASSERT_TRUE(bills_.close_month("acme", "2026-11", now_).ok());
  auto earlier = bills_.close_month("acme", "2026-09", now_);
  EXPECT_EQ(earlier.status().code(), Code::kFailedPrecondition) << "months close in order";
  EXPECT_DOUBLE_EQ(bill_of("u1", "2026-11").total, 1060) << "c3 is November's";
}

// After October is closed, a late October call and a backdated move of u1's number to u2
// (from October 31) change no October bill; November's bills carry them: u2 is charged for
// the late call and the moved calls, u1 is credited for the moved call it already paid for.
TEST_P(BillsTest, LateRecordsAndCorrectionsAdjustTheNextBill) {
  call("c1", "2026-10-10T10:00:00+09:00", "09011110001", 60);
  call("c2", "2026-10-31T12:00:00+09:00", "09011110001", 60);
  ASSERT_TRUE(bills_.close_month("acme", "2026-10", now_).ok());
  call("late", "2026-10-25T10:00:00+09:00", "09011110002", 30);
  call("c3", "2026-11-05T10:00:00+09:00", "09011110001", 60);
  auto moved = dir_.move(
      tenancy::IdKind::kMsisdn, "090-1111-0001",
      {"acme", "u2", "", "090-1111-0001", "", "", at("2026-10-31T00:00:00+09:00"), kForever});
  ASSERT_TRUE(moved.ok()) << moved.status().message();

  auto november = bills_.close_month("acme", "2026-11", now_);
  ASSERT_TRUE(november.ok()) << november.status().message();
  EXPECT_EQ(november->adjustments, 3) << "late call, c2 credited to u1, c2 charged to u2";
  EXPECT_DOUBLE_EQ(bill_of("u1", "2026-10").total, 1120) << "closed bills never change";
  EXPECT_DOUBLE_EQ(bill_of("u2", "2026-10").total, 1000);
  Bill u1 = bill_of("u1", "2026-11");
  EXPECT_DOUBLE_EQ(line(u1, "correction"), -60);
  EXPECT_DOUBLE_EQ(line(u1, "usage"), 0);
  EXPECT_DOUBLE_EQ(u1.total, 940);
  Bill u2 = bill_of("u2", "2026-11");
  EXPECT_DOUBLE_EQ(line(u2, "late"), 90) << "the late call and c2";
  EXPECT_DOUBLE_EQ(line(u2, "usage"), 60) << "c3 after the move";
  EXPECT_DOUBLE_EQ(u2.total, 1150);
  auto u2_bills = bills_.of_subscriber(dir_.subscribers("acme")->at(1).id).value();
  ASSERT_EQ(u2_bills.size(), 2u);
  EXPECT_EQ(u2_bills[0].period, "2026-11") << "newest first";

  // Nothing is billed twice: December has nothing but the fees.
  ASSERT_TRUE(bills_.close_month("acme", "2026-11", now_).value().already_closed);
}

// This month's charges so far: the bill as closing the month now would make it, for the
// consumer alone, late records of a closed month included; nothing is stored, and the month
// closed later gives the same bill.
TEST_P(BillsTest, ChargesSoFarAreTheBillThatClosingNowWouldMake) {
  call("oct", "2026-10-10T10:00:00+09:00", "09011110001", 60);
  ASSERT_TRUE(bills_.close_month("acme", "2026-10", now_).ok());
  call("late", "2026-10-25T10:00:00+09:00", "09011110001", 30);
  call("c1", "2026-11-05T10:00:00+09:00", "09011110001", 60);
  call("c2", "2026-11-06T10:00:00+09:00", "09011110002", 120);
  const int64_t u1 = dir_.subscribers("acme")->at(0).id;

  auto so_far = bills_.so_far(u1, at("2026-11-20T12:00:00+09:00"));
  ASSERT_TRUE(so_far.ok()) << so_far.status().message();
  EXPECT_EQ(so_far->period, "2026-11");
  EXPECT_EQ(so_far->account_id, "u1");
  EXPECT_DOUBLE_EQ(line(*so_far, "plan"), 1000);
  EXPECT_DOUBLE_EQ(line(*so_far, "usage"), 60) << "c1, not u2's c2";
  EXPECT_DOUBLE_EQ(line(*so_far, "late"), 30);
  EXPECT_DOUBLE_EQ(so_far->total, 1090);
  EXPECT_EQ(bills_.so_far(u1, at("2026-10-31T23:00:00+09:00"))->period, "2026-10")
      << "the month under way in the tenant's zone";
  EXPECT_TRUE(bills_.of_tenant("acme", "2026-11")->empty()) << "an estimate is never stored";

  ASSERT_TRUE(bills_.close_month("acme", "2026-11", now_).ok());
  EXPECT_DOUBLE_EQ(bill_of("u1", "2026-11").total, so_far->total);
  EXPECT_EQ(bills_.so_far(999999, now_).status().code(), Code::kNotFound);
}

// The job closes the month that is due (ended in the tenant's zone, plus the grace hours),
// once, even when run every minute.
TEST_P(BillsTest, JobClosesEachMonthOnceWhenDue) {
  audit::AuditLog audit(test_db_.db(), audit::KeyRing::ephemeral());
  std::vector<std::string> exported;  // what the host would export: each closed month once
  MonthCloser closer(&bills_, &dir_, &audit, 24, [&](const RunSummary& run) {
    exported.push_back(run.tenant_code + " " + run.period);
  });
  EXPECT_EQ(closer.tick(at("2026-11-01T12:00:00+09:00")), 1) << "September";
  EXPECT_EQ(closer.tick(at("2026-11-01T12:01:00+09:00")), 0);
  EXPECT_EQ(bills_.of_tenant("acme", "2026-10")->size(), 0u) << "October's grace not over";
  EXPECT_EQ(closer.tick(at("2026-11-02T00:30:00+09:00")), 1) << "October";
  EXPECT_EQ(bills_.of_tenant("acme", "2026-10")->size(), 2u);
  EXPECT_EQ(closer.tick(at("2026-11-02T00:31:00+09:00")), 0);
  EXPECT_EQ(exported, (std::vector<std::string>{"acme 2026-09", "acme 2026-10"}));
}

// With several hosts: a host claimed October, closed it and was killed before its notices and
// export went out. Another host finds the occurrence unfinished and its host gone, and
// publishes the month (once, though it was already closed); a third host closes nothing twice.
TEST_P(BillsTest, AMonthClosedByAHostKilledBeforePublishingIsPublishedByAnother) {
  audit::AuditLog audit(test_db_.db(), audit::KeyRing::ephemeral());
  const int64_t now = at("2026-11-02T00:31:00+09:00");
  jobs::JobClaims killed(test_db_.db(), "host-killed");
  auto october = local_period("Asia/Tokyo", "2026-10");
  ASSERT_TRUE(october.ok());
  ASSERT_TRUE(killed.claim(MonthCloser::job_name("acme"), october->first).value());
  ASSERT_TRUE(bills_.close_month("acme", "2026-10", now).ok());

  std::vector<std::string> published;
  auto publish = [&](const RunSummary& run) {
    published.push_back(run.tenant_code + " " + run.period);
  };
  jobs::JobClaims claims_b(test_db_.db(), "host-b"), claims_c(test_db_.db(), "host-c");
  MonthCloser b(&bills_, &dir_, &audit, 24, publish, &claims_b);
  MonthCloser c(&bills_, &dir_, &audit, 24, publish, &claims_c);
  EXPECT_EQ(b.tick(now), 1);
  EXPECT_EQ(published, std::vector<std::string>{"acme 2026-10"});
  EXPECT_EQ(c.tick(now + 60'000'000), 0);
  EXPECT_EQ(b.tick(now + 120'000'000), 0);
  EXPECT_EQ(published.size(), 1u) << "published once";
  EXPECT_EQ(bills_.of_tenant("acme", "2026-10")->size(), 2u);
}

// Data: u3's plan includes 3 MB a month and charges 10 per started MB beyond it and what was
// carried over. Unused quota carries into the next month (used first, one month only):
// September's 1 MB came out of the 3 MB carried from August, so its own 3 MB carry into
// October; October used 4.5 MB of 6 and carries 1.5 MB; November used 5 MB of 4.5: one MB
// charged. October data arriving after October closed (2 MB: 6.5 of 6 used) is a late
// adjustment on November's bill; October's bill never changes.
TEST_P(BillsTest, DataPastQuotaAndCarryOverIsChargedAndLateDataAdjusts) {
  tenancy::Plan lite{0, "acme", "lite", "Lite 3MB", 3000000, 0, 1, 0, 10, "", 500};
  ASSERT_TRUE(dir_.add_plan(lite).ok());
  ASSERT_TRUE(dir_.add_subscriber({0, "acme", "u3", "svc", "lite", "u3@x.jp"}).ok());
  ASSERT_TRUE(
      dir_.assign({"acme", "u3", "", "090-1111-0003", "", "", at("2026-01-01"), kForever}).ok());
  records::KindDef usage;
  usage.plugin = "data";
  usage.kind = "usage";
  usage.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
                  {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
                  {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
                  {"high_bytes", MVNE_FIELD_INT64, MVNE_ROLE_QUOTA_BYTES},
                  {"low_bytes", MVNE_FIELD_INT64}};
  ASSERT_TRUE(records::validate(usage).ok());
  ASSERT_TRUE(store_.ensure(usage).ok());
  auto use = [&](const std::string& id, const char* when, int64_t high) {
    auto counts =
        store_.submit(usage, {{id, at(when), std::string("09011110003"), high, int64_t{999}}}, "t");
    ASSERT_TRUE(counts.ok()) << counts.status().message();
    ASSERT_EQ(counts->stored, 1) << id;
  };
  use("sep", "2026-09-15T12:00:00+09:00", 1000000);
  use("oct", "2026-10-15T12:00:00+09:00", 4500000);
  use("nov", "2026-11-15T12:00:00+09:00", 5000000);
  auto u3 = dir_.subscribers("acme")->at(2);
  auth::Principal consumer{auth::Principal::Kind::kConsumer,
                           dir_.tenant("acme")->id,
                           "acme",
                           "Asia/Tokyo",
                           u3.id,
                           "u3",
                           ""};
  DataAllowance allowance(test_db_.db());
  auto september = allowance.balance(consumer, "2026-09", now_);
  ASSERT_TRUE(september.ok()) << september.status().message();
  EXPECT_EQ(september->quota, 3000000);
  EXPECT_EQ(september->carried_over, 3000000);
  EXPECT_EQ(september->used, 1000000);
  EXPECT_EQ(september->left, 5000000);

  ASSERT_TRUE(bills_.close_month("acme", "2026-09", now_).ok());
  ASSERT_TRUE(bills_.close_month("acme", "2026-10", now_).ok());
  Bill october = bill_of("u3", "2026-10");
  EXPECT_DOUBLE_EQ(october.total, 500) << "4.5 MB of 3 + 3 carried: no charge";
  use("late", "2026-10-30T12:00:00+09:00", 2000000);
  auto november_balance = allowance.balance(consumer, "2026-11", now_).value();
  EXPECT_EQ(november_balance.carried_over, 1500000) << "what October's bill carried out";
  EXPECT_EQ(november_balance.used, 5000000);
  EXPECT_EQ(november_balance.left, 0);

  auto november = bills_.close_month("acme", "2026-11", now_);
  ASSERT_TRUE(november.ok()) << november.status().message();
  EXPECT_DOUBLE_EQ(bill_of("u3", "2026-10").total, 500) << "closed bills never change";
  Bill bill = bill_of("u3", "2026-11");
  int64_t data_bytes = 0, late_bytes = 0;
  for (const auto& l : bill.lines) {
    if (l.kind == "data") data_bytes += l.quantity;
    if (l.kind == "late") late_bytes += l.quantity;
  }
  EXPECT_EQ(data_bytes, 5000000);
  EXPECT_DOUBLE_EQ(line(bill, "data"), 10) << "0.5 MB over: one started MB";
  EXPECT_EQ(late_bytes, 2000000);
  EXPECT_DOUBLE_EQ(line(bill, "late"), 10) << "October: 6.5 MB of 6";
  EXPECT_DOUBLE_EQ(bill.total, 520);
  EXPECT_DOUBLE_EQ(line(bill_of("u1", "2026-11"), "data"), 0) << "no data, no charge";
  EXPECT_EQ(allowance.balance(consumer, "2026-12", now_)->carried_over, 0)
      << "November used all of its own quota";
  EXPECT_EQ(allowance.balance(consumer, "2026-13", now_).status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, BillsTest, ::testing::ValuesIn(mvne::testing::test_backends()));

}  // namespace
}  // namespace mvne::billing
