#include "core/audit/audit_log.h"

#include <gtest/gtest.h>

#include "tests/support/test_database.h"

namespace mvne::audit {
namespace {

class AuditLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 5; ++i) {
      Entry e;
      e.at = i * 1000;
      e.principal = i % 2 ? "tenant:acme" : "tenant:bolt";
      e.plugin = "voice_cdr";
      e.action = "http_response";
      e.record_kind = "cdr";
      e.row_count = i * 10;
      e.request_id = "r" + std::to_string(i);
      ASSERT_TRUE(log_.append(e).ok());
    }
  }
  Status sql(const std::string& statement) {
    auto lease = test_db_.db()->acquire();
    return (*lease)->execute(statement);
  }
  testing::TestDatabase test_db_{GetParam()};
  AuditLog log_{test_db_.db()};
};

TEST_P(AuditLogTest, IntactChainVerifies) {
  auto r = log_.verify();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->rows_checked, 5);
}

TEST_P(AuditLogTest, ChangedRowIsDetected) {
  ASSERT_TRUE(sql("UPDATE audit_log SET row_count = 1 WHERE id = 3").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_EQ(r->problem, "row #3 was changed after it was written");
}

TEST_P(AuditLogTest, DeletedRowIsDetected) {
  ASSERT_TRUE(sql("DELETE FROM audit_log WHERE id = 2").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_NE(r->problem.find("row #3 does not follow the row before it"), std::string::npos);
}

TEST_P(AuditLogTest, DeletedLastRowIsDetected) {
  ASSERT_TRUE(sql("DELETE FROM audit_log WHERE id = 5").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_NE(r->problem.find("4 of 5 rows remain"), std::string::npos) << r->problem;
}

// Exposure sums deliveries by principal in the window, optionally for one tenant.
TEST_P(AuditLogTest, ExposureSumsDeliveriesInTheWindow) {
  auto all = log_.exposure(2000, 5000, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all.value()[0].principal, "tenant:acme");
  EXPECT_EQ(all.value()[0].rows, 30);  // entry 3 only (at 3000)
  EXPECT_EQ(all.value()[1].principal, "tenant:bolt");
  EXPECT_EQ(all.value()[1].rows, 20 + 40);
  auto bolt = log_.exposure(0, 10000, "bolt");
  ASSERT_EQ(bolt->size(), 1u);
  EXPECT_EQ(bolt.value()[0].deliveries, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::audit
