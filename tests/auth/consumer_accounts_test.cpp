// Consumer identity: argon2id hashes only, sessions stored hashed and ended as promised,
// throttling that tells nothing about which accounts exist, and one-time reset tokens.
#include "core/auth/consumer_accounts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/common/time.h"
#include "core/tenancy/directory.h"
#include "tests/support/test_database.h"

namespace mvne::auth {
namespace {

constexpr int64_t kSecond = 1000000;
const std::string kPassword = "correct horse 1";

// Cheap hashes: the tests check behaviour, not cost.
PasswordCost cheap() {
  PasswordCost cost;
  cost.ops = 1;
  cost.memory_kib = 256;
  return cost;
}

class ConsumerAccountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tenancy::Directory dir(test_db_.db(), {});
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir.add_tenant({0, t, t, "Asia/Tokyo", "/tmp", {}}).ok());
      ASSERT_TRUE(dir.add_plan({0, t, "basic", "Basic", 1000, 22, 1, 3.3, 0, ""}).ok());
      for (const char* a : {"u1", "u2"}) {
        ASSERT_TRUE(
            dir.add_subscriber({0, t, a, "svc", "basic", std::string(a) + "@x.example"}).ok());
      }
    }
    u1_ = accounts_.find("acme", "u1").value();
    ASSERT_TRUE(accounts_.set_password(u1_, kPassword, now_).ok());
  }
  StatusOr<LoginResult> login(const std::string& account, const std::string& password,
                              const std::string& client = "192.0.2.1",
                              const std::string& tenant = "acme") {
    return accounts_.login({tenant, account, password, client, SessionKind::kApp}, now_);
  }
  int64_t count(const std::string& sql) {
    return storage::as_int(test_db_.db()->query(sql).value().at(0).at(0));
  }

  mvne::testing::TestDatabase test_db_{GetParam()};
  ConsumerAccounts accounts_{test_db_.db(), cheap(), SessionLimits{}};
  Account u1_;
  int64_t now_ = now_us();
};

// The database holds an argon2id hash, never the password; a session token is stored only
// as its hash, and every login gets a new one.
TEST_P(ConsumerAccountsTest, OnlyHashesAreStored) {
  auto stored = test_db_.db()->query("SELECT password_hash FROM consumer_credentials");
  ASSERT_EQ(stored->size(), 1u);
  std::string hash = storage::as_text(stored.value()[0][0]);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
  auto first = login("u1", kPassword).value();
  auto second = login("u1", kPassword).value();
  ASSERT_EQ(first.outcome, LoginResult::Outcome::kOk);
  ASSERT_EQ(second.outcome, LoginResult::Outcome::kOk);
  EXPECT_NE(first.session.token, second.session.token);
  EXPECT_EQ(first.session.token.size(), 6u + 64u);  // prefix + 256 bits in hex
  auto rows = test_db_.db()->query("SELECT token_hash FROM consumer_sessions").value();
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    std::string stored_hash = storage::as_text(r[0]);
    EXPECT_EQ(stored_hash.find(first.session.token.substr(6)), std::string::npos);
    EXPECT_EQ(stored_hash.find(second.session.token.substr(6)), std::string::npos);
  }
  auto who = accounts_.sessions().authenticate(first.session.token, now_);
  ASSERT_TRUE(who.ok()) << who.status().message();
  EXPECT_EQ(who->principal.kind, Principal::Kind::kConsumer);
  EXPECT_EQ(who->principal.tenant_code, "acme");
  EXPECT_EQ(who->principal.account_id, "u1");
  EXPECT_EQ(who->principal.subscriber_id, u1_.subscriber_id);
}

// An unknown account, an account without a password, and a wrong password get the same
// outcome; an account of the same name in another tenant is another account.
TEST_P(ConsumerAccountsTest, UnknownAccountAndWrongPasswordLookTheSame) {
  auto wrong = login("u1", "wrong password").value();
  auto unknown = login("nobody", kPassword).value();
  auto no_password = login("u2", kPassword).value();
  auto other_tenant = login("u1", kPassword, "192.0.2.1", "bolt").value();
  for (const auto* r : {&wrong, &unknown, &no_password, &other_tenant}) {
    EXPECT_EQ(r->outcome, LoginResult::Outcome::kRefused);
    EXPECT_TRUE(r->session.token.empty());
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM consumer_sessions"), 0);
}

// Three failures are free; then each attempt waits longer; at ten the account is locked,
// an unknown account exactly like a real one; the operator's unlock clears it.
TEST_P(ConsumerAccountsTest, FailuresBackOffThenLockUntilUnlocked) {
  for (const std::string account : {"u1", "ghost"}) {
    for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) {
      EXPECT_EQ(login(account, "bad").value().outcome, LoginResult::Outcome::kRefused) << i;
    }
    auto backing_off = login(account, kPassword).value();
    EXPECT_EQ(backing_off.outcome, LoginResult::Outcome::kThrottled) << account;
    EXPECT_GE(backing_off.retry_after_s, 1);
    LoginResult last;
    for (int i = LoginThrottle::kFreeFailures; i < LoginThrottle::kLockFailures; ++i) {
      now_ += LoginThrottle::kMaxDelay.count() * kSecond;
      last = login(account, "bad").value();
      EXPECT_EQ(last.outcome, LoginResult::Outcome::kRefused) << account << " " << i;
    }
    EXPECT_TRUE(last.locked_now) << account;
    now_ += LoginThrottle::kMaxDelay.count() * kSecond;
    auto locked = login(account, kPassword).value();
    EXPECT_EQ(locked.outcome, LoginResult::Outcome::kLocked) << account;
  }
  ASSERT_TRUE(accounts_.throttle().unlock("acme", "u1").ok());
  EXPECT_EQ(login("u1", kPassword).value().outcome, LoginResult::Outcome::kOk);
  EXPECT_EQ(login("u1", kPassword, "192.0.2.1", "bolt").value().outcome,
            LoginResult::Outcome::kRefused)
      << "another tenant's u1 is not locked, but has no password";
}

// One client address failing against many accounts is slowed down too.
TEST_P(ConsumerAccountsTest, OneAddressGuessingManyAccountsIsSlowedDown) {
  for (int i = 0; i < LoginThrottle::kAddressFreeFailures; ++i) {
    EXPECT_EQ(login("guess" + std::to_string(i), "bad", "198.51.100.7").value().outcome,
              LoginResult::Outcome::kRefused);
  }
  EXPECT_EQ(login("u1", kPassword, "198.51.100.7").value().outcome,
            LoginResult::Outcome::kThrottled);
  EXPECT_EQ(login("u1", kPassword, "198.51.100.8").value().outcome, LoginResult::Outcome::kOk);
}

// Sessions end when idle, at their absolute expiry, at logout, and everywhere at once.
TEST_P(ConsumerAccountsTest, SessionsEndAsPromised) {
  SessionLimits limits;
  auto& sessions = accounts_.sessions();
  auto idle = login("u1", kPassword).value().session;
  auto refused = sessions.authenticate(idle.token, now_ + (limits.app_idle_s + 1) * kSecond);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("idle"), std::string::npos);
  auto a = login("u1", kPassword).value().session;
  EXPECT_TRUE(sessions.authenticate(a.token, now_ + (limits.app_idle_s - 1) * kSecond).ok());
  // Used within the idle time, again and again: still ends at the absolute expiry.
  int64_t t = now_;
  while (t + limits.app_idle_s * kSecond / 2 < a.expires_at) {
    t += limits.app_idle_s * kSecond / 2;
    ASSERT_TRUE(sessions.authenticate(a.token, t).ok());
  }
  auto expired = sessions.authenticate(a.token, a.expires_at);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);

  auto b = login("u1", kPassword).value().session;
  auto c = login("u1", kPassword).value().session;
  ASSERT_TRUE(sessions.end(b.token, now_).ok());
  EXPECT_FALSE(sessions.authenticate(b.token, now_).ok());
  EXPECT_TRUE(sessions.authenticate(c.token, now_).ok());
  auto d = login("u1", kPassword).value().session;
  EXPECT_EQ(sessions.end_all(u1_.subscriber_id, now_).value(), 4) << "idle, a, c and d";
  EXPECT_FALSE(sessions.authenticate(c.token, now_).ok());
  EXPECT_FALSE(sessions.authenticate(d.token, now_).ok());
  EXPECT_FALSE(sessions.authenticate("mvnes_" + std::string(64, 'z'), now_).ok());
}

// A password change needs the current one and ends the other sessions; the operator's set
// ends them all.
TEST_P(ConsumerAccountsTest, PasswordChangesEndSessions) {
  auto& sessions = accounts_.sessions();
  auto keep = login("u1", kPassword).value().session;
  auto other = login("u1", kPassword).value().session;
  int64_t keep_id = sessions.authenticate(keep.token, now_).value().session_id;
  EXPECT_EQ(accounts_.change_password(u1_, "not it", "new password 2", keep_id, now_).code(),
            Code::kFailedPrecondition);
  ASSERT_TRUE(accounts_.change_password(u1_, kPassword, "new password 2", keep_id, now_).ok());
  EXPECT_TRUE(sessions.authenticate(keep.token, now_).ok());
  EXPECT_FALSE(sessions.authenticate(other.token, now_).ok());
  EXPECT_EQ(login("u1", kPassword).value().outcome, LoginResult::Outcome::kRefused);
  EXPECT_EQ(login("u1", "new password 2").value().outcome, LoginResult::Outcome::kOk);
  ASSERT_TRUE(accounts_.set_password(u1_, "operator set 3", now_).ok());
  EXPECT_FALSE(sessions.authenticate(keep.token, now_).ok());
  EXPECT_EQ(accounts_.set_password(u1_, "short", now_).code(), Code::kInvalidArgument);
}

// A reset token works once, within its time; a newer one replaces the older; it ends every
// session and clears a lock.
TEST_P(ConsumerAccountsTest, ResetTokenWorksOnce) {
  auto session = login("u1", kPassword).value().session;
  auto older = accounts_.start_reset(u1_, now_).value();
  auto reset = accounts_.start_reset(u1_, now_).value();
  EXPECT_FALSE(accounts_.finish_reset(older.token, "chosen password 4", now_).ok());
  EXPECT_FALSE(accounts_.finish_reset(reset.token, "chosen password 4", reset.expires_at).ok());
  auto done = accounts_.finish_reset(reset.token, "chosen password 4", now_);
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(done->account_id, "u1");
  EXPECT_FALSE(accounts_.finish_reset(reset.token, "again password 5", now_).ok()) << "used";
  EXPECT_FALSE(accounts_.sessions().authenticate(session.token, now_).ok());
  EXPECT_EQ(login("u1", "chosen password 4").value().outcome, LoginResult::Outcome::kOk);
  EXPECT_EQ(count("SELECT COUNT(*) FROM password_resets WHERE token_hash = '" + reset.token + "'"),
            0)
      << "the token itself is not stored";
}

// A session of an account merged into another is refused: the merged-away id is no
// principal any more.
TEST_P(ConsumerAccountsTest, MergedAwayAccountLosesItsSessions) {
  tenancy::Directory dir(test_db_.db(), {});
  Account u2 = accounts_.find("acme", "u2").value();
  ASSERT_TRUE(accounts_.set_password(u2, kPassword, now_).ok());
  auto session = login("u2", kPassword).value().session;
  ASSERT_TRUE(test_db_.db()
                  ->execute("UPDATE subscribers SET merged_into = ? WHERE id = ?",
                            {u1_.subscriber_id, u2.subscriber_id})
                  .ok());
  auto refused = accounts_.sessions().authenticate(session.token, now_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("merged"), std::string::npos);
  EXPECT_EQ(login("u2", kPassword).value().outcome, LoginResult::Outcome::kRefused);
}

// A hash made at another cost is replaced at the next login.
TEST_P(ConsumerAccountsTest, OldCostIsRehashedAtLogin) {
  PasswordCost stronger = cheap();
  stronger.memory_kib = 512;
  ConsumerAccounts upgraded(test_db_.db(), stronger, SessionLimits{});
  auto before = test_db_.db()->query("SELECT password_hash FROM consumer_credentials").value();
  EXPECT_TRUE(upgraded.passwords().needs_rehash(storage::as_text(before[0][0])));
  auto result = upgraded.login({"acme", "u1", kPassword, "192.0.2.1", SessionKind::kApp}, now_);
  ASSERT_EQ(result.value().outcome, LoginResult::Outcome::kOk);
  auto after = test_db_.db()->query("SELECT password_hash FROM consumer_credentials").value();
  EXPECT_FALSE(upgraded.passwords().needs_rehash(storage::as_text(after[0][0])));
  EXPECT_NE(storage::as_text(after[0][0]).find("m=512"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsumerAccountsTest,
                         ::testing::ValuesIn(mvne::testing::test_backends()));

// At most max_parallel hashes run at once: a storm past that waits, then is refused as
// unavailable (503), instead of taking memory for every attempt.
TEST(Passwords, HashingIsBounded) {
  PasswordCost cost;
  cost.ops = 3;
  cost.memory_kib = 64 * 1024;
  cost.max_parallel = 1;
  cost.wait = std::chrono::milliseconds(1);
  Passwords passwords(cost);
  std::atomic<int> done{0}, unavailable{0};
  std::vector<std::thread> storm;
  for (int i = 0; i < 4; ++i) {
    storm.emplace_back([&] {
      auto h = passwords.hash("storm password");
      (h.ok() ? done : unavailable) += 1;
      if (!h.ok()) {
        EXPECT_EQ(h.status().code(), Code::kUnavailable);
      }
    });
  }
  for (auto& t : storm) t.join();
  EXPECT_GE(done.load(), 1);
  EXPECT_GE(unavailable.load(), 1);
}

TEST(Passwords, UnusablePasswordsAreRefused) {
  EXPECT_FALSE(Passwords::acceptable("short").ok());
  EXPECT_FALSE(Passwords::acceptable(std::string(300, 'a')).ok());
  EXPECT_FALSE(Passwords::acceptable("with\nnewline").ok());
  EXPECT_FALSE(Passwords::acceptable("bad \xff utf8 x").ok());
  EXPECT_TRUE(Passwords::acceptable("パスワードです").ok());
}

}  // namespace
}  // namespace mvne::auth
