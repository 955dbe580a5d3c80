#include "core/relay/hold_queue.h"

#include "core/common/line_list.h"
#include "core/relay/submitted_message.h"

namespace mvne::relay {
namespace {

using storage::as_int;
using storage::as_text;

constexpr char kColumns[] =
    "id, tenant_id, mailbox, envelope_from, recipients, to_list, cc_list, bcc_list, subject, "
    "message_id, data, received_at, release_at, state, decided_at, decided_by, notice, outbox_id";

Held held_of(const storage::Row& r) {
  Held h;
  h.id = as_int(r[0]);
  h.tenant_id = as_int(r[1]);
  h.mailbox = as_text(r[2]);
  h.envelope_from = as_text(r[3]);
  h.recipients = split_lines(as_text(r[4]));
  h.to = split_lines(as_text(r[5]));
  h.cc = split_lines(as_text(r[6]));
  h.bcc = split_lines(as_text(r[7]));
  h.subject = as_text(r[8]);
  h.message_id = as_text(r[9]);
  h.data = as_text(r[10]);
  h.received_at = as_int(r[11]);
  h.release_at = as_int(r[12]);
  h.state = as_text(r[13]);
  h.decided_at = as_int(r[14]);
  h.decided_by = as_text(r[15]);
  h.notice = as_text(r[16]);
  h.outbox_id = as_int(r[17]);
  return h;
}

StatusOr<Held> read(storage::Connection& c, int64_t id) {
  auto rows = c.query(std::string("SELECT ") + kColumns + " FROM relay_held WHERE id = ? {for_update}",
                      {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no held message " + std::to_string(id));
  return held_of(rows->front());
}

Status not_held(const Held& h) {
  return Status::Precondition("message " + std::to_string(h.id) + " is no longer held (" +
                              h.state + (h.decided_by.empty() ? "" : " by " + h.decided_by) + ")");
}

}  // namespace

mail::Rendered outgoing(const Held& h) {
  mail::Rendered r;
  r.message_id = ("relay " + std::to_string(h.id) + " " + h.message_id).substr(0, 180);
  r.envelope_from = h.envelope_from;
  r.recipients = h.recipients;
  r.data = h.data;
  return r;
}

StatusOr<int64_t> HoldQueue::add(const Held& h, const std::string& dedup_key, bool* stored_now) {
  *stored_now = false;
  int64_t id = 0;
  Status st = db_->transaction([&](storage::Connection& c) {
    auto earlier = c.query("SELECT id FROM relay_held WHERE dedup_key = ?", {dedup_key});
    if (!earlier.ok()) return earlier.status();
    if (!earlier->empty()) {
      id = as_int(earlier->front()[0]);
      return Status::Ok();
    }
    auto inserted = c.insert(
        "INSERT INTO relay_held (tenant_id, mailbox, envelope_from, recipients, to_list, cc_list, "
        "bcc_list, subject, message_id, data, size, received_at, release_at, state, decided_at, "
        "decided_by, notice, outbox_id, dedup_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)",
        {h.tenant_id, h.mailbox, h.envelope_from, join_lines(h.recipients), join_lines(h.to),
         join_lines(h.cc), join_lines(h.bcc), h.subject, h.message_id, h.data,
         static_cast<int64_t>(h.data.size()), h.received_at, h.release_at, h.state,
         h.decided_by, h.notice, dedup_key});
    if (!inserted.ok()) return inserted.status();
    id = inserted.value();
    *stored_now = true;
    return Status::Ok();
  });
  if (!st.ok()) {
    *stored_now = false;
    return st;
  }
  return id;
}

Status HoldQueue::decide(storage::Connection& c, int64_t id, const std::string& to_state,
                         const std::string& by, int64_t now, int64_t outbox_id) {
  Status st = c.execute(
      "UPDATE relay_held SET state = ?, decided_by = ?, decided_at = ?, outbox_id = ? "
      "WHERE id = ? AND state = 'held'",
      {to_state, by, now, outbox_id, id});
  if (!st.ok()) return st;
  if (c.changes() != 1) return Status::Precondition("message " + std::to_string(id) + " changed meanwhile");
  return Status::Ok();
}

Status HoldQueue::release(int64_t id, const std::string& to_state, const std::string& by,
                          int64_t now, const mail::OutboxOrigin& origin) {
  Status verdict = Status::Ok();
  Status st = db_->transaction([&](storage::Connection& c) {
    auto h = read(c, id);
    if (!h.ok()) return h.status();
    if (h->state != "held") return not_held(h.value());
    // A single recipient only ever sees their own address; with more, no header may name a
    // Bcc address (a Bcc field left in, say, or one the sender's client added).
    std::string field = h->recipients.size() > 1 ? header_naming(h->data, h->bcc) : "";
    if (!field.empty()) {
      verdict = Status::Precondition("message " + std::to_string(id) +
                                     " refused: its header field '" + field +
                                     "' names a Bcc recipient");
      return decide(c, id, "refused", "bcc-check", now, 0);
    }
    auto queued = mail::Outbox::add(c, origin, outgoing(h.value()), now);
    if (!queued.ok()) return queued.status();
    return decide(c, id, to_state, by, now, queued.value());
  });
  return st.ok() ? verdict : st;
}

Status HoldQueue::cancel(int64_t id, const std::string& to_state, const std::string& by,
                         int64_t now) {
  return db_->transaction([&](storage::Connection& c) {
    auto h = read(c, id);
    if (!h.ok()) return h.status();
    if (h->state != "held") return not_held(h.value());
    return decide(c, id, to_state, by, now, 0);
  });
}

StatusOr<std::vector<Held>> HoldQueue::due(int64_t now, int limit) {
  return db_->select<Held>(std::string("SELECT ") + kColumns +
                               " FROM relay_held WHERE state = 'held' AND release_at <= ? "
                               "ORDER BY release_at LIMIT ?",
                           {now, int64_t{limit}}, held_of);
}

StatusOr<std::vector<Held>> HoldQueue::notices_pending(int limit) {
  return db_->select<Held>(std::string("SELECT ") + kColumns +
                               " FROM relay_held WHERE notice = 'pending' ORDER BY id LIMIT ?",
                           {int64_t{limit}}, held_of);
}

Status HoldQueue::set_notice(int64_t id, const std::string& notice) {
  return db_->execute("UPDATE relay_held SET notice = ? WHERE id = ?", {notice, id});
}

StatusOr<Held> HoldQueue::get(int64_t id) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  return read(**lease, id);
}

StatusOr<std::vector<Held>> HoldQueue::list(const std::string& state, int64_t tenant_id,
                                            int limit) {
  return db_->select<Held>(std::string("SELECT ") + kColumns +
                               " FROM relay_held WHERE (? = '' OR state = ?) AND "
                               "(? = 0 OR tenant_id = ?) ORDER BY id DESC LIMIT ?",
                           {state, state, tenant_id, tenant_id, int64_t{limit}}, held_of);
}

StatusOr<std::map<std::string, int64_t>> HoldQueue::totals() {
  std::map<std::string, int64_t> out;
  for (const char* s : {"held", "released", "expired", "passed", "cancelled", "discarded",
                        "refused", "delivered", "failed"})
    out[s] = 0;
  auto states = db_->query("SELECT state, COUNT(*) FROM relay_held GROUP BY state");
  if (!states.ok()) return states.status();
  for (const auto& r : states.value()) {
    out["held"] += as_int(r[1]);  // each was held at first
    if (as_text(r[0]) != "held") out[as_text(r[0])] = as_int(r[1]);
  }
  auto sent = db_->query(
      "SELECT o.state, COUNT(*) FROM relay_held h JOIN mail_outbox o ON o.id = h.outbox_id "
      "WHERE o.state IN ('sent', 'failed') GROUP BY o.state");
  if (!sent.ok()) return sent.status();
  for (const auto& r : sent.value())
    out[as_text(r[0]) == "sent" ? "delivered" : "failed"] = as_int(r[1]);
  auto passed = db_->query("SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'relay_passed'");
  if (!passed.ok()) return passed.status();
  out["passed"] = as_int(passed->front()[0]);
  return out;
}

}  // namespace mvne::relay
