#include "core/mail/outbox.h"

#include "core/common/line_list.h"

namespace mvne::mail {
namespace {

using storage::as_int;
using storage::as_text;

constexpr char kColumns[] =
    "id, tenant, sender, principal, purpose, message_id, envelope_from, recipients, data, state, "
    "attempts, next_attempt_at, last_reply, created_at, done_at";

OutboxEntry entry_of(const storage::Row& r) {
  OutboxEntry e;
  e.id = as_int(r[0]);
  e.tenant = as_text(r[1]);
  e.sender = as_text(r[2]);
  e.principal = as_text(r[3]);
  e.purpose = as_text(r[4]);
  e.message_id = as_text(r[5]);
  e.envelope_from = as_text(r[6]);
  e.recipients = split_lines(as_text(r[7]));
  e.data = as_text(r[8]);
  e.state = as_text(r[9]);
  e.attempts = as_int(r[10]);
  e.next_attempt_at = as_int(r[11]);
  e.last_reply = as_text(r[12]);
  e.created_at = as_int(r[13]);
  e.done_at = as_int(r[14]);
  return e;
}

}  // namespace

StatusOr<int64_t> Outbox::add(const OutboxOrigin& origin, const Rendered& message, int64_t now) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  return add(**lease, origin, message, now);
}

StatusOr<int64_t> Outbox::add(storage::Connection& c, const OutboxOrigin& origin,
                              const Rendered& message, int64_t now) {
  return c.insert(
      "INSERT INTO mail_outbox (tenant, sender, principal, purpose, message_id, envelope_from, "
      "recipients, data, state, attempts, next_attempt_at, lease_until, last_reply, created_at, "
      "dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, 0, '', ?, ?)",
      {origin.tenant, origin.sender, origin.principal, origin.purpose, message.message_id,
       message.envelope_from, join_lines(message.recipients), message.data, now, now,
       origin.dedup_key.empty() ? storage::Value{} : storage::Value{origin.dedup_key}});
}

StatusOr<int64_t> Outbox::find_key(const std::string& dedup_key) {
  auto rows = db_->query("SELECT id FROM mail_outbox WHERE dedup_key = ?", {dedup_key});
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0 : as_int(rows->front()[0]);
}

StatusOr<std::vector<OutboxEntry>> Outbox::claim_due(int limit, int64_t now, int64_t lease_us) {
  std::vector<OutboxEntry> claimed;
  Status st = db_->transaction([&](storage::Connection& c) {
    claimed.clear();
    auto rows = c.query(std::string("SELECT ") + kColumns +
                            " FROM mail_outbox WHERE (state = 'queued' AND next_attempt_at <= ?) "
                            "OR (state = 'sending' AND lease_until <= ?) ORDER BY id LIMIT ?",
                        {now, now, int64_t{limit}});
    if (!rows.ok()) return rows.status();
    for (const auto& row : rows.value()) {
      OutboxEntry e = entry_of(row);
      // Claimed only if nobody claimed it since the select (another host, another worker).
      Status up = c.execute(
          "UPDATE mail_outbox SET state = 'sending', lease_until = ?, attempts = attempts + 1 "
          "WHERE id = ? AND ((state = 'queued' AND next_attempt_at <= ?) OR "
          "(state = 'sending' AND lease_until <= ?))",
          {now + lease_us, e.id, now, now});
      if (!up.ok()) return up;
      if (c.changes() != 1) continue;
      e.state = "sending";
      e.lease_until = now + lease_us;
      ++e.attempts;
      claimed.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return claimed;
}

StatusOr<bool> Outbox::renew(OutboxEntry& e, int64_t until) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      "UPDATE mail_outbox SET lease_until = ? WHERE id = ? AND state = 'sending' AND "
      "lease_until = ?",
      {until, e.id, e.lease_until});
  if (!st.ok()) return st;
  if ((*lease)->changes() != 1) return false;
  e.lease_until = until;
  return true;
}

Status Outbox::transition(int64_t id, const char* from_states, const std::string& to_state,
                          const std::string& reply, int64_t next_at, int64_t done_at,
                          const std::string& what) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      std::string("UPDATE mail_outbox SET state = ?, last_reply = ?, next_attempt_at = ?, "
                  "lease_until = 0, done_at = ? WHERE id = ? AND state IN (") +
          from_states + ")",
      {to_state, reply.substr(0, 2000), next_at,
       done_at == 0 ? storage::Value{} : storage::Value{done_at}, id});
  if (!st.ok()) return st;
  if ((*lease)->changes() == 1) return Status::Ok();
  auto current = get(id);
  if (!current.ok()) return current.status();
  return Status::Precondition("mail " + std::to_string(id) + " is " + current->state + ": " + what);
}

Status Outbox::mark_sent(int64_t id, const std::string& reply, int64_t now) {
  return transition(id, "'sending'", "sent", reply, 0, now, "not being sent");
}

Status Outbox::mark_failed(int64_t id, const std::string& reply, int64_t now) {
  return transition(id, "'sending'", "failed", reply, 0, now, "not being sent");
}

Status Outbox::retry_at(int64_t id, const std::string& reply, int64_t at) {
  return transition(id, "'sending'", "queued", reply, at, 0, "not being sent");
}

Status Outbox::retry_now(int64_t id, int64_t now) {
  return transition(id, "'failed', 'queued'", "queued", "retry asked by an operator", now, 0,
                    "only a failed or queued message can be retried");
}

Status Outbox::cancel(int64_t id, int64_t now) {
  return transition(id, "'failed', 'queued'", "cancelled", "cancelled by an operator", 0, now,
                    "only a queued or failed message can be cancelled");
}

StatusOr<std::vector<OutboxEntry>> Outbox::list(const std::string& state, int limit) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM mail_outbox";
  storage::Params params;
  if (!state.empty()) {
    sql += " WHERE state = ?";
    params.push_back(state);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(int64_t{limit});
  return db_->select<OutboxEntry>(sql, params, entry_of);
}

StatusOr<OutboxEntry> Outbox::get(int64_t id) {
  auto rows =
      db_->query(std::string("SELECT ") + kColumns + " FROM mail_outbox WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no mail " + std::to_string(id) + " in the outbox");
  return entry_of(rows->front());
}

}  // namespace mvne::mail
