// Consumer identity, owned by the host: a subscriber's password, logging in (throttled,
// the same answer in the same time for an unknown account and a wrong password), password
// changes and one-time reset tokens. Sessions themselves are ConsumerSessions'.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/auth/consumer_sessions.h"
#include "core/auth/login_throttle.h"
#include "core/auth/passwords.h"
#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::auth {

struct Account {
  int64_t tenant_id = 0;
  int64_t subscriber_id = 0;
  std::string tenant_code;
  std::string account_id;
};

struct LoginAttempt {
  std::string tenant;
  std::string account;
  std::string password;
  std::string client;  // the client's address, for throttling and the session list
  SessionKind kind = SessionKind::kApp;
};

struct LoginResult {
  enum class Outcome { kOk, kRefused, kThrottled, kLocked };
  Outcome outcome = Outcome::kRefused;
  int64_t retry_after_s = 0;  // kThrottled, kLocked
  bool locked_now = false;    // kRefused: this failure locked the account
  NewSession session;         // kOk
  Account account;            // kOk
};

struct ResetToken {
  std::string token;  // "mvner_<64 hex>": given to the consumer once, kept only hashed
  int64_t expires_at = 0;
};

class ConsumerAccounts {
 public:
  static constexpr int64_t kResetValid_s = 3600;

  ConsumerAccounts(std::shared_ptr<storage::Database> db, PasswordCost cost, SessionLimits limits);

  // The subscriber `account` of tenant `tenant` (not one merged into another).
  StatusOr<Account> find(const std::string& tenant, const std::string& account);

  // kUnavailable when the store or the hashing slots are saturated (the caller sheds: 503).
  StatusOr<LoginResult> login(const LoginAttempt& attempt, int64_t now_us);

  // Sets the password and ends every session of the account.
  Status set_password(const Account& account, const std::string& password, int64_t now_us);
  // The consumer's own change: needs the current password; ends every other session.
  Status change_password(const Account& account, const std::string& current,
                         const std::string& replacement, int64_t keep_session, int64_t now_us);
  // A one-time token that lets the consumer choose a new password; earlier ones stop working.
  StatusOr<ResetToken> start_reset(const Account& account, int64_t now_us);
  // Uses a reset token once; fails for an unknown, used or expired one.
  StatusOr<Account> finish_reset(const std::string& token, const std::string& password,
                                 int64_t now_us);

  ConsumerSessions& sessions() { return sessions_; }
  LoginThrottle& throttle() { return throttle_; }
  Passwords& passwords() { return passwords_; }

 private:
  StatusOr<std::string> stored_hash(int64_t subscriber_id);
  Status store_hash(int64_t subscriber_id, const std::string& hash, int64_t now_us);

  std::shared_ptr<storage::Database> db_;
  Passwords passwords_;
  LoginThrottle throttle_;
  ConsumerSessions sessions_;
};

}  // namespace mvne::auth
