#include "core/mail/tenant_mail.h"

#include <vector>

#include "core/mail/message.h"

namespace mvne::mail {

StatusOr<int64_t> TenantMailSettings::tenant_id(const std::string& tenant_code) {
  auto rows = db_->query("SELECT id FROM tenants WHERE code = ?", {tenant_code});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no tenant '" + tenant_code + "'");
  return storage::as_int(rows->front()[0]);
}

StatusOr<TenantMail> TenantMailSettings::get(const std::string& tenant_code) {
  auto id = tenant_id(tenant_code);
  if (!id.ok()) return id.status();
  auto rows = db_->query("SELECT sender_name, reply_to, contact FROM tenant_mail WHERE tenant_id = ?",
                         {id.value()});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return TenantMail{};
  const auto& r = rows->front();
  return TenantMail{storage::as_text(r[0]), storage::as_text(r[1]), storage::as_text(r[2])};
}

Status TenantMailSettings::set(const std::string& tenant_code, const TenantMail& mail) {
  // The same checks as any message: a probe with these as sender name and addresses.
  Message probe;
  probe.from = {mail.sender_name, "probe@example.invalid"};
  probe.to = {{"", mail.contact.empty() ? "probe@example.invalid" : mail.contact}};
  if (!mail.reply_to.empty()) probe.reply_to = {"", mail.reply_to};
  probe.text = "x";
  if (Status st = validate(probe); !st.ok()) {
    std::string why = st.message();
    for (const auto& [from, to] : {std::pair{"from:", "sender name:"}, {"to[0]:", "contact:"},
                                   {"reply_to:", "reply-to:"}}) {
      for (size_t at = why.find(from); at != std::string::npos; at = why.find(from, at + 1))
        why.replace(at, std::string(from).size(), to);
    }
    return Status::Invalid("tenant mail settings refused: " + why.substr(why.find(": ") + 2));
  }
  auto id = tenant_id(tenant_code);
  if (!id.ok()) return id.status();
  return db_->transaction([&](storage::Connection& c) {
    Status st = c.execute("DELETE FROM tenant_mail WHERE tenant_id = ?", {id.value()});
    if (!st.ok()) return st;
    return c.execute(
        "INSERT INTO tenant_mail (tenant_id, sender_name, reply_to, contact) VALUES (?, ?, ?, ?)",
        {id.value(), mail.sender_name, mail.reply_to, mail.contact});
  });
}

}  // namespace mvne::mail
