// The hold queue: every message the relay accepted, stored before the client hears "250",
// until it is released into the mail outbox (by its sender, an operator, or when its hold
// ends) or cancelled. Every change of state is a conditional update, so a link used twice,
// two hosts, or an operator racing the expiry, act once. A release moves the message into
// the outbox in the same transaction: it is either still held or queued for delivery.
//
// States: held; released (by the sender or an operator) and expired (the hold ended: sent),
// which are in the outbox; cancelled, discarded (the hold ended under on_expiry=discard) and
// refused (the last check found a Bcc address in a header), which are never delivered.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/mail/outbox.h"
#include "core/storage/database.h"

namespace mvne::relay {

struct Held {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string mailbox;  // who submitted it (the notice goes there, and only there)
  std::string envelope_from;
  std::vector<std::string> recipients;  // the envelope's, in order
  std::vector<std::string> to, cc, bcc;
  std::string subject, message_id, data;
  int64_t received_at = 0, release_at = 0;
  std::string state = "held";
  int64_t decided_at = 0;
  std::string decided_by;        // sender, operator, expiry, bcc-check
  std::string notice = "pending";  // pending, queued, withheld (the guard refused it), none
  int64_t outbox_id = 0;
};

class HoldQueue {
 public:
  explicit HoldQueue(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

  // Stores `h` under `dedup_key` (a client that resends after a lost reply gets the first
  // one's id, and *stored_now is false).
  StatusOr<int64_t> add(const Held& h, const std::string& dedup_key, bool* stored_now);

  // held -> `to_state` (released or expired): into the outbox with `origin`. Refused for
  // good (state "refused", FailedPrecondition) when a Bcc address is named in a header of a
  // message with more than one recipient. FailedPrecondition naming the state when it is
  // no longer held.
  Status release(int64_t id, const std::string& to_state, const std::string& by, int64_t now,
                 const mail::OutboxOrigin& origin);
  // held -> `to_state` (cancelled or discarded): never delivered.
  Status cancel(int64_t id, const std::string& to_state, const std::string& by, int64_t now);

  StatusOr<std::vector<Held>> due(int64_t now, int limit);  // held, release_at <= now
  StatusOr<std::vector<Held>> notices_pending(int limit);
  Status set_notice(int64_t id, const std::string& notice);

  StatusOr<Held> get(int64_t id);
  // Newest first; `state` "" and `tenant_id` 0 for all.
  StatusOr<std::vector<Held>> list(const std::string& state, int64_t tenant_id, int limit);
  // Messages by outcome since the table began: held (all accepted), released, expired,
  // cancelled, discarded, refused; delivered and failed (from the outbox); passed (senders
  // with no mailbox, sent on at once behind Postfix: outbox purpose relay_passed).
  StatusOr<std::map<std::string, int64_t>> totals();

 private:
  Status decide(storage::Connection& c, int64_t id, const std::string& to_state,
                const std::string& by, int64_t now, int64_t outbox_id);
  std::shared_ptr<storage::Database> db_;
};

// The outbox's form of a held message: its own bytes and envelope; the outbox key names
// the held id, since a client's Message-ID need not be unique.
mail::Rendered outgoing(const Held& h);

}  // namespace mvne::relay
