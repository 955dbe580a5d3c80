// The durable mail outbox: a message is stored, rendered, before anything is sent, and stays
// until it is delivered, fails for good or an operator cancels it. Delivery claims messages
// with a lease; a host killed while delivering leaves them "sending", and they are claimed
// again when the lease has run out. The same rendered bytes (and Message-ID) are sent on
// every attempt, so a receiver can tell a repeat.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/mail/mime.h"
#include "core/storage/database.h"

namespace mvne::mail {

struct OutboxEntry {
  int64_t id = 0;
  std::string tenant;     // "" for the platform's own mail
  std::string sender;     // "host" or the plugin
  std::string principal;  // for whom it was sent (audit form)
  std::string purpose;    // e.g. "password_reset"
  std::string message_id;
  std::string envelope_from;
  std::vector<std::string> recipients;
  std::string data;
  std::string state;  // queued, sending, sent, failed, cancelled
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t lease_until = 0;  // as claimed by claim_due(): that claim's lease, and its token
  std::string last_reply;   // the relay's last answer, or why the attempt failed
  int64_t created_at = 0;
  int64_t done_at = 0;
};

struct OutboxOrigin {
  std::string tenant, sender, principal, purpose;
  std::string dedup_key = {};  // non-empty: at most one message ever with this key
};

class Outbox {
 public:
  explicit Outbox(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

  StatusOr<int64_t> add(const OutboxOrigin& origin, const Rendered& message, int64_t now);
  // The same inside the caller's transaction (a held message released into the outbox).
  static StatusOr<int64_t> add(storage::Connection& c, const OutboxOrigin& origin,
                               const Rendered& message, int64_t now);
  // The message queued under `dedup_key`, or 0.
  StatusOr<int64_t> find_key(const std::string& dedup_key);

  // Takes up to `limit` messages that are due (queued, or sending with a lease run out) for
  // `lease_us`; each is claimed by one caller only.
  StatusOr<std::vector<OutboxEntry>> claim_due(int limit, int64_t now, int64_t lease_us);
  // Extends the claim of `e` (its lease_until) to `until`; false when the lease ran out and
  // another deliverer claimed it since.
  StatusOr<bool> renew(OutboxEntry& e, int64_t until);
  Status mark_sent(int64_t id, const std::string& reply, int64_t now);
  Status mark_failed(int64_t id, const std::string& reply, int64_t now);  // for good (5xx)
  Status retry_at(int64_t id, const std::string& reply, int64_t at);      // 4xx, no relay

  // For operators (mvnectl mail). `state` empty: every state. Newest first.
  StatusOr<std::vector<OutboxEntry>> list(const std::string& state, int limit);
  StatusOr<OutboxEntry> get(int64_t id);
  Status retry_now(int64_t id, int64_t now);  // a failed or queued message, at once
  Status cancel(int64_t id, int64_t now);     // a queued or failed one; never one being sent

 private:
  Status transition(int64_t id, const char* from_states, const std::string& to_state,
                    const std::string& reply, int64_t next_at, int64_t done_at,
                    const std::string& what);
  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::mail
