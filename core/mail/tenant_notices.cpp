#include "core/mail/tenant_notices.h"

#include <filesystem>

#include "core/log/log.h"
#include "core/mail/notices.h"

namespace mvne::mail {

bool export_ready(platform::Services& services, const tenancy::Tenant& tenant,
                  const std::string& plugin, const std::string& date, const std::string& file,
                  int64_t rows) {
  if (!services.mail) return false;
  auto settings = services.mail->tenants().get(tenant.code);
  if (!settings.ok() || settings->contact.empty()) return false;
  auth::Principal mvno;
  mvno.kind = auth::Principal::Kind::kTenant;
  mvno.tenant_id = tenant.id;
  mvno.tenant_code = tenant.code;
  mvno.time_zone = tenant.time_zone;
  const TenantSender from{services.mail->settings(), tenant, settings.value()};
  auto id = services.mail->submit(
      export_ready_notice(from, plugin, date, std::filesystem::path(file).filename().string(), rows),
      {tenant.code, "host", mvno.describe(), "export_ready",
       "export:" + tenant.code + ":" + plugin + ":" + file},
      mvno);
  if (!id.ok()) log::warn("mail", "export-ready notice for " + tenant.code + ": " + id.status().message());
  return id.ok();
}

}  // namespace mvne::mail
