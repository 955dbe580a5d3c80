// Tenant routes: reached only with a valid API key of a tenant that has the plugin enabled,
// never cacheable by a shared cache, and every delivery audited.
#include <gtest/gtest.h>

#include "core/common/time.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

class TenantAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    ASSERT_TRUE(dir.add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"fixture"}}).ok());
    ASSERT_TRUE(dir.add_tenant({0, "bolt", "Bolt", "UTC", "/tmp", {}}).ok());
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    acme_ = host_.services().keys->create("acme", "test", year).value();
    bolt_ = host_.services().keys->create("bolt", "test", year).value();
  }
  HttpResult get_scoped(const std::string& token) {
    return http_get(host_.port(), "/api/fixture/scoped", {{"Authorization", "Bearer " + token}});
  }
  std::string counts() { return http_get(host_.port(), "/api/fixture/counts").body; }

  InProcessHost host_{fixture_settings({"fixture"})};
  auth::NewKey acme_, bolt_;
};

// A valid key reaches the route; the host's cache headers win over the plugin's.
TEST_F(TenantAuthTest, ValidKeyIsServedPrivately) {
  auto reply = get_scoped(acme_.token);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "scoped cache_header=refused");
  EXPECT_EQ(reply.headers["cache-control"], "private, no-store");
  EXPECT_EQ(reply.headers["vary"], "Authorization, Cookie");
  auto audited = host_.services().audit->entries(0, now_us() + 1000000).value();
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].principal, "tenant:acme");
  EXPECT_EQ(audited[0].plugin, "fixture");
  EXPECT_EQ(audited[0].request_id, reply.headers["x-request-id"]);
}

// Missing, wrong and revoked keys get 401; the plugin is never called.
TEST_F(TenantAuthTest, BadKeysNeverReachThePlugin) {
  EXPECT_EQ(http_get(host_.port(), "/api/fixture/scoped").status, 401);
  std::string wrong = acme_.token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(get_scoped(wrong).status, 401);
  ASSERT_TRUE(host_.services().keys->revoke(acme_.key_id).ok());
  auto revoked = get_scoped(acme_.token);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(revoked.body.find(acme_.token), std::string::npos);
  EXPECT_EQ(counts().substr(0, 8), "scoped=0");
}

// A tenant without the plugin enabled sees 404, as if the route did not exist.
TEST_F(TenantAuthTest, PluginNotEnabledForTenantIs404) {
  EXPECT_EQ(get_scoped(bolt_.token).status, 404);
  EXPECT_EQ(counts().substr(0, 8), "scoped=0");
}

}  // namespace
}  // namespace mvne::testing
