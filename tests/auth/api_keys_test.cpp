#include "core/auth/api_keys.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/common/time.h"
#include "core/tenancy/directory.h"
#include "tests/support/test_database.h"

namespace mvne::auth {
namespace {

class ApiKeysTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tenancy::Directory dir(test_db_.db(), {});
    ASSERT_TRUE(dir.add_tenant({0, "acme", "Acme", "UTC", "/tmp", {}}).ok());
    ASSERT_TRUE(dir.add_tenant({0, "bolt", "Bolt", "UTC", "/tmp", {}}).ok());
  }
  testing::TestDatabase test_db_{GetParam()};
  ApiKeys keys_{test_db_.db()};
  int64_t in_a_year_ = now_us() + int64_t{365} * 86400 * 1000000;
};

// A key authenticates as its own tenant; only its hash is stored.
TEST_P(ApiKeysTest, KeyAuthenticatesItsTenantAndIsStoredHashed) {
  auto key = keys_.create("acme", "billing", in_a_year_);
  ASSERT_TRUE(key.ok()) << key.status().message();
  auto p = keys_.authenticate(key->token, now_us());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->kind, Principal::Kind::kTenant);
  EXPECT_EQ(p->tenant_code, "acme");
  std::string secret = key->token.substr(key->token.find('.') + 1);
  auto lease = test_db_.db()->acquire();
  auto rows = (*lease)->query("SELECT secret_hash, key_id FROM api_keys");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(storage::as_text(rows.value()[0][0]).find(secret), std::string::npos);
  EXPECT_NE(storage::as_text(rows.value()[0][0]), secret);
}

// Wrong secrets, unknown, malformed, revoked and expired keys are all refused.
TEST_P(ApiKeysTest, BadKeysAreRefused) {
  auto key = keys_.create("acme", "k", in_a_year_).value();
  std::string wrong = key.token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(keys_.authenticate(wrong, now_us()).ok());
  EXPECT_FALSE(keys_.authenticate("mvne_000000000000.abc", now_us()).ok());
  EXPECT_FALSE(keys_.authenticate("Basic abc", now_us()).ok());
  EXPECT_FALSE(keys_.authenticate(key.token, in_a_year_ + 1).ok()) << "expired";
  ASSERT_TRUE(keys_.revoke(key.key_id).ok());
  auto revoked = keys_.authenticate(key.token, now_us());
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.status().message(), "api key " + key.key_id + " is revoked");
  EXPECT_EQ(revoked.status().message().find(key.token), std::string::npos);
  EXPECT_FALSE(keys_.revoke(key.key_id).ok()) << "already revoked";
  EXPECT_FALSE(keys_.create("nobody", "k", in_a_year_).ok());
  EXPECT_FALSE(keys_.create("acme", "k", now_us() - 1).ok());
}

// A key revoked by another process (another ApiKeys on the same database) is refused once the
// stated cache bound has passed, though this one had just used it.
TEST_P(ApiKeysTest, KeyRevokedElsewhereIsRefusedWithinTheBound) {
  auto key = keys_.create("acme", "k", in_a_year_).value();
  ASSERT_TRUE(keys_.authenticate(key.token, now_us()).ok());
  ApiKeys elsewhere(test_db_.db());
  ASSERT_TRUE(elsewhere.revoke(key.key_id).ok());
  std::this_thread::sleep_for(ApiKeys::kCacheFor + std::chrono::milliseconds(50));
  auto revoked = keys_.authenticate(key.token, now_us());
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.status().message(), "api key " + key.key_id + " is revoked");
}

// The stored row is reused within the bound: a burst of requests costs one lookup.
TEST_P(ApiKeysTest, StoredKeyIsReusedWithinTheBound) {
  auto key = keys_.create("acme", "k", in_a_year_).value();
  ASSERT_TRUE(keys_.authenticate(key.token, now_us()).ok());
  auto lease = test_db_.db()->acquire();
  ASSERT_TRUE((*lease)->execute("DELETE FROM api_keys").ok());
  EXPECT_TRUE(keys_.authenticate(key.token, now_us()).ok());
  std::string wrong = key.token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(keys_.authenticate(wrong, now_us()).ok()) << "the secret is checked every time";
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiKeysTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::auth
