#include "core/relay/mailboxes.h"

#include <cctype>

#include "core/mail/message.h"

namespace mvne::relay {
namespace {

using storage::as_int;
using storage::as_text;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Mailbox mailbox_of(const storage::Row& r) {
  return {as_text(r[0]), as_int(r[1]), as_text(r[2]), as_int(r[3])};
}

Status changed_one(int64_t changes, const std::string& address) {
  if (changes == 0) return Status::NotFound("no relay mailbox " + address);
  return Status::Ok();
}

}  // namespace

Status Mailboxes::add(const std::string& address, int64_t tenant_id,
                      const std::string& password_hash, int64_t now) {
  const std::string a = lower(address);
  if (!mail::is_address(a)) return Status::Invalid("'" + address + "' is not an address (local@domain)");
  auto existing = find(a);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return Status::Precondition("the relay mailbox " + a + " exists already");
  return db_->execute(
      "INSERT INTO relay_mailboxes (address, tenant_id, password_hash, created_at) "
      "VALUES (?, ?, ?, ?)",
      {a, tenant_id, password_hash, now});
}

Status Mailboxes::set_password(const std::string& address, const std::string& password_hash) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute("UPDATE relay_mailboxes SET password_hash = ? WHERE address = ?",
                                {password_hash, lower(address)});
  if (!st.ok()) return st;
  return changed_one((*lease)->changes(), address);
}

Status Mailboxes::remove(const std::string& address) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute("DELETE FROM relay_mailboxes WHERE address = ?", {lower(address)});
  if (!st.ok()) return st;
  return changed_one((*lease)->changes(), address);
}

StatusOr<std::optional<Mailbox>> Mailboxes::find(const std::string& address) {
  auto rows = db_->query(
      "SELECT address, tenant_id, password_hash, created_at FROM relay_mailboxes "
      "WHERE address = ?",
      {lower(address)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Mailbox>();
  return std::optional<Mailbox>(mailbox_of(rows->front()));
}

StatusOr<std::vector<Mailbox>> Mailboxes::list(int64_t tenant_id) {
  return db_->select<Mailbox>(
      "SELECT address, tenant_id, password_hash, created_at FROM relay_mailboxes "
      "WHERE ? = 0 OR tenant_id = ? ORDER BY tenant_id, address",
      {tenant_id, tenant_id}, mailbox_of);
}

StatusOr<HoldPolicy> Mailboxes::policy(int64_t tenant_id, const HoldPolicy& fallback) {
  auto rows = db_->query("SELECT hold_s, on_expiry FROM relay_policies WHERE tenant_id = ?",
                         {tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return fallback;
  return HoldPolicy{as_int(rows->front()[0]), as_text(rows->front()[1])};
}

Status Mailboxes::set_policy(int64_t tenant_id, const HoldPolicy& policy) {
  if (policy.hold_s < 0 || policy.hold_s > 7 * 86400)
    return Status::Invalid("the hold must be 0 to 604800 seconds (a week)");
  if (policy.on_expiry != "send" && policy.on_expiry != "discard")
    return Status::Invalid("on_expiry must be send or discard");
  return db_->transaction([&](storage::Connection& c) {
    Status st = c.execute("DELETE FROM relay_policies WHERE tenant_id = ?", {tenant_id});
    if (!st.ok()) return st;
    return c.execute("INSERT INTO relay_policies (tenant_id, hold_s, on_expiry) VALUES (?, ?, ?)",
                     {tenant_id, policy.hold_s, policy.on_expiry});
  });
}

}  // namespace mvne::relay
