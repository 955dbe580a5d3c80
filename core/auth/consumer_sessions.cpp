#include "core/auth/consumer_sessions.h"

#include "core/auth/tokens.h"

namespace mvne::auth {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr size_t kSecretHexChars = 64;
// Ended and expired sessions are kept this long for `sessions list`, then deleted.
constexpr int64_t kKeepEnded_s = 7 * 86400;

const char* kind_name(SessionKind kind) {
  return kind == SessionKind::kBrowser ? "browser" : "app";
}

bool well_formed(const std::string& token) {
  constexpr size_t prefix = sizeof(ConsumerSessions::kPrefix) - 1;
  if (token.size() != prefix + kSecretHexChars || token.rfind(ConsumerSessions::kPrefix, 0) != 0) {
    return false;
  }
  for (size_t i = prefix; i < token.size(); ++i) {
    char c = token[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

ConsumerSessions::ConsumerSessions(std::shared_ptr<storage::Database> db, SessionLimits limits)
    : db_(std::move(db)), limits_(limits) {}

std::string ConsumerSessions::csrf_for(const std::string& token) {
  return hash_secret(token, "mvne csrf");
}

StatusOr<NewSession> ConsumerSessions::create(int64_t tenant_id, int64_t subscriber_id,
                                              SessionKind kind, const std::string& client,
                                              int64_t now_us) {
  bool browser = kind == SessionKind::kBrowser;
  NewSession s;
  s.token = kPrefix + random_hex(kSecretHexChars / 2);
  s.csrf_token = csrf_for(s.token);
  s.idle_s = browser ? limits_.browser_idle_s : limits_.app_idle_s;
  s.expires_at = now_us + (browser ? limits_.browser_absolute_s : limits_.app_absolute_s) * kSecond;
  Status st = db_->transaction([&](storage::Connection& c) {
    Status purge = c.execute("DELETE FROM consumer_sessions WHERE expires_at < ?",
                             {now_us - kKeepEnded_s * kSecond});
    if (!purge.ok()) return purge;
    auto id = c.insert(
        "INSERT INTO consumer_sessions (token_hash, tenant_id, subscriber_id, kind, client, "
        "created_at, last_seen_at, idle_us, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {hash_secret(s.token), tenant_id, subscriber_id, std::string(kind_name(kind)), client,
         now_us, now_us, s.idle_s * kSecond, s.expires_at});
    return id.ok() ? Status::Ok() : id.status();
  });
  if (!st.ok()) return st;
  return s;
}

StatusOr<ConsumerSessions::Resolved> ConsumerSessions::authenticate(const std::string& token,
                                                                    int64_t now_us) {
  if (!well_formed(token)) return Status::Invalid("malformed session token");
  auto rows = db_->query(
      "SELECT s.id, s.kind, s.last_seen_at, s.idle_us, s.expires_at, s.revoked_at, "
      "sub.id, sub.account_id, sub.merged_into, t.id, t.code, s.tenant_id "
      "FROM consumer_sessions s JOIN subscribers sub ON sub.id = s.subscriber_id "
      "JOIN tenants t ON t.id = sub.tenant_id WHERE s.token_hash = ?",
      {hash_secret(token)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Invalid("unknown session");
  const storage::Row& r = rows.value()[0];
  int64_t id = storage::as_int(r[0]);
  std::string which = "session " + std::to_string(id);
  if (!storage::is_null(r[5])) return Status::Invalid(which + " has ended");
  if (storage::as_int(r[4]) <= now_us) return Status::Invalid(which + " has expired");
  int64_t last_seen = storage::as_int(r[2]);
  if (last_seen + storage::as_int(r[3]) <= now_us)
    return Status::Invalid(which + " was idle too long");
  if (!storage::is_null(r[8])) return Status::Invalid(which + "'s account was merged into another");
  if (storage::as_int(r[9]) != storage::as_int(r[11])) {
    return Status::Invalid(which + " belongs to another tenant than its account");
  }
  if (now_us - last_seen >= kTouchEvery_s * kSecond) {
    Status st =
        db_->execute("UPDATE consumer_sessions SET last_seen_at = ? WHERE id = ?", {now_us, id});
    if (!st.ok()) return st;
  }
  Resolved out;
  out.session_id = id;
  out.kind = storage::as_text(r[1]) == "browser" ? SessionKind::kBrowser : SessionKind::kApp;
  out.principal.kind = Principal::Kind::kConsumer;
  out.principal.subscriber_id = storage::as_int(r[6]);
  out.principal.account_id = storage::as_text(r[7]);
  out.principal.tenant_id = storage::as_int(r[9]);
  out.principal.tenant_code = storage::as_text(r[10]);
  out.principal.name = which;
  return out;
}

Status ConsumerSessions::end(const std::string& token, int64_t now_us) {
  if (!well_formed(token)) return Status::Invalid("malformed session token");
  return db_->execute(
      "UPDATE consumer_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
      {now_us, hash_secret(token)});
}

StatusOr<int64_t> ConsumerSessions::end_all(int64_t subscriber_id, int64_t now_us,
                                            int64_t except_session) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      "UPDATE consumer_sessions SET revoked_at = ? "
      "WHERE subscriber_id = ? AND id <> ? AND revoked_at IS NULL AND expires_at > ?",
      {now_us, subscriber_id, except_session, now_us});
  if (!st.ok()) return st;
  return (*lease)->changes();
}

Status ConsumerSessions::revoke(int64_t subscriber_id, int64_t session_id, int64_t now_us) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      "UPDATE consumer_sessions SET revoked_at = ? "
      "WHERE id = ? AND subscriber_id = ? AND revoked_at IS NULL",
      {now_us, session_id, subscriber_id});
  if (!st.ok()) return st;
  if ((*lease)->changes() == 0) {
    return Status::NotFound("no active session " + std::to_string(session_id) + " of this account");
  }
  return Status::Ok();
}

StatusOr<std::vector<SessionInfo>> ConsumerSessions::list(int64_t subscriber_id) {
  return db_->select<SessionInfo>(
      "SELECT id, kind, client, created_at, last_seen_at, expires_at, revoked_at "
      "FROM consumer_sessions WHERE subscriber_id = ? ORDER BY id",
      {subscriber_id}, [](const storage::Row& r) {
        return SessionInfo{storage::as_int(r[0]), storage::as_text(r[1]), storage::as_text(r[2]),
                           storage::as_int(r[3]), storage::as_int(r[4]),  storage::as_int(r[5]),
                           storage::as_int(r[6])};
      });
}

}  // namespace mvne::auth
