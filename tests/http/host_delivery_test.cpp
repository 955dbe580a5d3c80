// The host's own answers to a principal (consumer endpoints, host tenant endpoints) pass the
// same last gate as a plugin's: an answer naming another principal's number is withheld,
// counted as an incident in the audit log; the principal's own is delivered privately and
// audited.
#include "core/http/host_delivery.h"

#include <gtest/gtest.h>

#include "core/audit/audit_log.h"
#include "core/common/time.h"
#include "tests/support/test_database.h"

namespace mvne::http {
namespace {

class HostDeliveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& dir = *services_->directory;
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir.add_tenant({0, t, t, "UTC", "/tmp", {}}).ok());
      ASSERT_TRUE(dir.add_plan({0, t, "p", "p", 0, 0, 1, 0, 0, ""}).ok());
      ASSERT_TRUE(dir.add_subscriber({0, t, "u1", "s", "p", std::string("u1@") + t + ".jp"}).ok());
    }
    ASSERT_TRUE(dir.assign({"acme", "u1", "", "090-1111-0001", "", "",
                            parse_time_us("2026-01-01").value(), kForever})
                    .ok());
    ASSERT_TRUE(dir.assign({"bolt", "u1", "", "090-2222-0001", "", "",
                            parse_time_us("2026-01-01").value(), kForever})
                    .ok());
    acme_.kind = auth::Principal::Kind::kTenant;
    acme_.tenant_code = "acme";
    acme_.tenant_id = dir.tenant("acme")->id;
    request_.method = "GET";
    request_.path = "/api/v1/bills";
    request_.request_id = "req-1";
  }
  int audited(const std::string& action) {
    int n = 0;
    for (const auto& e : services_->audit->entries(0, now_us() + 1000000).value()) {
      n += e.action == action && e.principal == "tenant:acme";
    }
    return n;
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<platform::Services> services_ = platform::Services::on(db_.db(), {});
  auth::Principal acme_;
  IncomingRequest request_;
};

TEST_P(HostDeliveryTest, AnotherPrincipalsNumberIsWithheld) {
  Reply leak;
  leak.body = R"({"line":"090-2222-0001"})";
  Reply r = deliver(request_, services_.get(), acme_, leak);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("egress_blocked"), std::string::npos);
  EXPECT_EQ(r.body.find("2222"), std::string::npos);
  EXPECT_EQ(audited("egress_blocked"), 1);
  EXPECT_EQ(audited("http_response"), 0);
}

TEST_P(HostDeliveryTest, OwnDataIsDeliveredPrivatelyAndAudited) {
  Reply own;
  own.body = R"({"line":"090-1111-0001"})";
  Reply r = deliver(request_, services_.get(), acme_, own);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, own.body);
  bool private_cache = false;
  for (const auto& [name, value] : r.headers) {
    private_cache = private_cache || (name == "Cache-Control" && value == "private, no-store");
  }
  EXPECT_TRUE(private_cache);
  // The front end sends it once its audit row is committed (the row comes with the reply).
  ASSERT_TRUE(r.audit);
  EXPECT_EQ(r.audit->action, "http_response");
  EXPECT_EQ(r.audit->principal, acme_.describe());
}

INSTANTIATE_TEST_SUITE_P(Backends, HostDeliveryTest, ::testing::ValuesIn(testing::test_backends()));

}  // namespace
}  // namespace mvne::http
