#include "core/auth/consumer_accounts.h"

#include "core/auth/tokens.h"

namespace mvne::auth {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr char kResetPrefix[] = "mvner_";

Account account_from(const storage::Row& r) {
  return {storage::as_int(r[0]), storage::as_int(r[1]), storage::as_text(r[2]),
          storage::as_text(r[3])};
}

constexpr char kAccountColumns[] = "SELECT t.id, sub.id, t.code, sub.account_id ";

// Replaces the subscriber's stored hash, inside the caller's transaction.
Status write_hash(storage::Connection& c, int64_t subscriber_id, const std::string& hash,
                  int64_t now_us) {
  Status st =
      c.execute("DELETE FROM consumer_credentials WHERE subscriber_id = ?", {subscriber_id});
  if (!st.ok()) return st;
  return c.execute(
      "INSERT INTO consumer_credentials (subscriber_id, password_hash, updated_at) "
      "VALUES (?, ?, ?)",
      {subscriber_id, hash, now_us});
}

}  // namespace

ConsumerAccounts::ConsumerAccounts(std::shared_ptr<storage::Database> db, PasswordCost cost,
                                   SessionLimits limits)
    : db_(db), passwords_(cost), throttle_(db), sessions_(db, limits) {}

StatusOr<Account> ConsumerAccounts::find(const std::string& tenant, const std::string& account) {
  auto rows = db_->query(std::string(kAccountColumns) +
                             "FROM subscribers sub JOIN tenants t ON t.id = sub.tenant_id "
                             "WHERE t.code = ? AND sub.account_id = ? AND sub.merged_into IS NULL",
                         {tenant, account});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::NotFound("no account '" + account + "' in tenant '" + tenant + "'");
  }
  return account_from(rows.value()[0]);
}

StatusOr<std::string> ConsumerAccounts::stored_hash(int64_t subscriber_id) {
  auto rows = db_->query("SELECT password_hash FROM consumer_credentials WHERE subscriber_id = ?",
                         {subscriber_id});
  if (!rows.ok()) return rows.status();
  return rows->empty() ? std::string() : storage::as_text(rows.value()[0][0]);
}

Status ConsumerAccounts::store_hash(int64_t subscriber_id, const std::string& hash,
                                    int64_t now_us) {
  return db_->transaction(
      [&](storage::Connection& c) { return write_hash(c, subscriber_id, hash, now_us); });
}

StatusOr<LoginResult> ConsumerAccounts::login(const LoginAttempt& attempt, int64_t now_us) {
  LoginResult result;
  auto verdict = throttle_.check(attempt.tenant, attempt.account, attempt.client, now_us);
  if (!verdict.ok()) return verdict.status();
  if (!verdict->allowed) {
    result.outcome =
        verdict->locked ? LoginResult::Outcome::kLocked : LoginResult::Outcome::kThrottled;
    result.retry_after_s = verdict->retry_after_s;
    return result;
  }
  // An unknown account is checked against a decoy hash: the same work, the same answer.
  auto account = find(attempt.tenant, attempt.account);
  if (!account.ok() && account.status().code() != Code::kNotFound) return account.status();
  std::string hash;
  if (account.ok()) {
    auto stored = stored_hash(account->subscriber_id);
    if (!stored.ok()) return stored.status();
    hash = stored.value();
  }
  auto match = passwords_.verify(hash, attempt.password);
  if (!match.ok()) return match.status();
  if (!match.value()) {
    auto after = throttle_.failed(attempt.tenant, attempt.account, attempt.client, now_us);
    if (!after.ok()) return after.status();
    result.locked_now = after->locked;
    return result;
  }
  if (Status st = throttle_.succeeded(attempt.tenant, attempt.account); !st.ok()) return st;
  if (passwords_.needs_rehash(hash)) {
    auto rehashed = passwords_.hash(attempt.password);
    if (rehashed.ok()) {
      if (Status st = store_hash(account->subscriber_id, *rehashed, now_us); !st.ok()) return st;
    }
  }
  auto session = sessions_.create(account->tenant_id, account->subscriber_id, attempt.kind,
                                  attempt.client, now_us);
  if (!session.ok()) return session.status();
  result.outcome = LoginResult::Outcome::kOk;
  result.session = std::move(session).value();
  result.account = account.value();
  return result;
}

Status ConsumerAccounts::set_password(const Account& account, const std::string& password,
                                      int64_t now_us) {
  auto hash = passwords_.hash(password);
  if (!hash.ok()) return hash.status();
  if (Status st = store_hash(account.subscriber_id, *hash, now_us); !st.ok()) return st;
  auto ended = sessions_.end_all(account.subscriber_id, now_us);
  return ended.ok() ? Status::Ok() : ended.status();
}

Status ConsumerAccounts::change_password(const Account& account, const std::string& current,
                                         const std::string& replacement, int64_t keep_session,
                                         int64_t now_us) {
  if (Status st = Passwords::acceptable(replacement); !st.ok()) return st;
  auto stored = stored_hash(account.subscriber_id);
  if (!stored.ok()) return stored.status();
  auto match = passwords_.verify(stored.value(), current);
  if (!match.ok()) return match.status();
  if (!match.value()) return Status::Precondition("the current password is not right");
  auto hash = passwords_.hash(replacement);
  if (!hash.ok()) return hash.status();
  if (Status st = store_hash(account.subscriber_id, *hash, now_us); !st.ok()) return st;
  auto ended = sessions_.end_all(account.subscriber_id, now_us, keep_session);
  return ended.ok() ? Status::Ok() : ended.status();
}

StatusOr<ResetToken> ConsumerAccounts::start_reset(const Account& account, int64_t now_us) {
  ResetToken reset{kResetPrefix + random_hex(32), now_us + kResetValid_s * kSecond};
  Status st = db_->transaction([&](storage::Connection& c) {
    Status s = c.execute(
        "UPDATE password_resets SET used_at = ? WHERE subscriber_id = ? AND used_at IS NULL",
        {now_us, account.subscriber_id});
    if (!s.ok()) return s;
    return c.execute(
        "INSERT INTO password_resets (token_hash, subscriber_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        {hash_secret(reset.token), account.subscriber_id, now_us, reset.expires_at});
  });
  if (!st.ok()) return st;
  return reset;
}

StatusOr<Account> ConsumerAccounts::finish_reset(const std::string& token,
                                                 const std::string& password, int64_t now_us) {
  if (Status st = Passwords::acceptable(password); !st.ok()) return st;
  if (token.rfind(kResetPrefix, 0) != 0) return Status::Invalid("malformed reset token");
  auto hash = passwords_.hash(password);
  if (!hash.ok()) return hash.status();
  Account account;
  Status st = db_->transaction([&](storage::Connection& c) {
    auto rows = c.query(std::string(kAccountColumns) +
                            ", r.id FROM password_resets r "
                            "JOIN subscribers sub ON sub.id = r.subscriber_id "
                            "JOIN tenants t ON t.id = sub.tenant_id WHERE r.token_hash = ? "
                            "AND r.used_at IS NULL AND r.expires_at > ? "
                            "AND sub.merged_into IS NULL{for_update}",
                        {hash_secret(token), now_us});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Invalid("the reset token is unknown, used or expired");
    account = account_from(rows.value()[0]);
    Status s = c.execute("UPDATE password_resets SET used_at = ? WHERE id = ?",
                         {now_us, storage::as_int(rows.value()[0][4])});
    if (!s.ok()) return s;
    return write_hash(c, account.subscriber_id, *hash, now_us);
  });
  if (!st.ok()) return st;
  auto ended = sessions_.end_all(account.subscriber_id, now_us);
  if (!ended.ok()) return ended.status();
  if (Status s = throttle_.unlock(account.tenant_code, account.account_id); !s.ok()) return s;
  return account;
}

}  // namespace mvne::auth
