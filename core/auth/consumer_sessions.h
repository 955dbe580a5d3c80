// Consumers' login sessions. A session token is 256 random bits shown to the client once;
// the database keeps only its hash, so every host sharing the database knows every session
// and a stolen database holds no usable token. A session ends when idle too long, at its
// absolute expiry, at logout, at "log out everywhere", when the operator revokes it, when
// the password changes, or when its account is merged into another.
//
// Nothing about a session is cached: every request resolves its principal from the
// database (invariant 6: no per-request state outlives the request).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::auth {

// Browser sessions travel in an HttpOnly cookie; app sessions as `Authorization: Bearer`.
enum class SessionKind { kBrowser, kApp };

struct SessionLimits {
  int64_t browser_idle_s = 30 * 60;
  int64_t browser_absolute_s = 12 * 3600;
  int64_t app_idle_s = 30 * 86400;
  int64_t app_absolute_s = 90 * 86400;
};

struct NewSession {
  std::string token;       // "mvnes_<64 hex>": the client's, not kept
  std::string csrf_token;  // derived from the token; a browser sends it with every change
  int64_t expires_at = 0;  // absolute expiry
  int64_t idle_s = 0;
};

struct SessionInfo {
  int64_t id = 0;
  std::string kind;  // browser or app
  std::string client;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  int64_t revoked_at = 0;  // 0: active (unless expired)
};

class ConsumerSessions {
 public:
  static constexpr char kPrefix[] = "mvnes_";
  // last_seen_at is written at most this often per session (idle expiry is this precise).
  static constexpr int64_t kTouchEvery_s = 60;

  ConsumerSessions(std::shared_ptr<storage::Database> db, SessionLimits limits);

  StatusOr<NewSession> create(int64_t tenant_id, int64_t subscriber_id, SessionKind kind,
                              const std::string& client, int64_t now_us);

  // The consumer principal for a token, with the session's kind; fails (kInvalidArgument)
  // for a malformed, unknown, expired, idle, revoked or merged-away session. The message
  // never contains the token.
  struct Resolved {
    Principal principal;
    SessionKind kind = SessionKind::kApp;
    int64_t session_id = 0;
  };
  StatusOr<Resolved> authenticate(const std::string& token, int64_t now_us);

  // The CSRF token that goes with a session token.
  static std::string csrf_for(const std::string& token);

  Status end(const std::string& token, int64_t now_us);  // logout
  StatusOr<int64_t> end_all(int64_t subscriber_id, int64_t now_us,
                            int64_t except_session = 0);  // everywhere
  Status revoke(int64_t subscriber_id, int64_t session_id, int64_t now_us);
  StatusOr<std::vector<SessionInfo>> list(int64_t subscriber_id);

 private:
  std::shared_ptr<storage::Database> db_;
  SessionLimits limits_;
};

}  // namespace mvne::auth
