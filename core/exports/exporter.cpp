#include "core/exports/exporter.h"

#include <algorithm>
#include <filesystem>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/log/log.h"
#include "core/mail/tenant_notices.h"

namespace mvne::exports {
namespace {

bool enabled_for(const tenancy::Tenant& tenant, const std::string& plugin) {
  return std::find(tenant.plugins.begin(), tenant.plugins.end(), plugin) != tenant.plugins.end();
}

}  // namespace

const plugin::ExportRegistration* find(const plugin::PluginInstance& plugin,
                                       const std::string& name) {
  for (const auto& reg : plugin.registrations().exports) {
    if (reg.name == name) return &reg;
  }
  return nullptr;
}

StatusOr<Outcome> run(plugin::PluginInstance& plugin, const plugin::ExportRegistration& reg,
                      const tenancy::Tenant& tenant, const std::string& date) {
  platform::Services* services = plugin.services();
  if (services == nullptr) return Status::Unavailable("exports need the host's storage");
  std::string what = "export '" + reg.name + "' of plugin '" + plugin.name() + "' for tenant '" +
                     tenant.code + "', " + date;
  if (!enabled_for(tenant, plugin.name()))
    return Status::Precondition(what + ": the plugin is not enabled for the tenant");
  if (tenant.export_dir.empty())
    return Status::Precondition(what + ": the tenant has no export directory");
  auto period = local_period(tenant.time_zone, date);
  if (!period.ok() || date.size() != 10) {
    return Status::Invalid(what + ": date must be YYYY-MM-DD" +
                           (period.ok() ? "" : " (" + period.status().message() + ")"));
  }
  const auto [from, to] = period.value();
  plugin::CallScope scope = tenant_scope(&plugin, tenant);
  const std::string component = "plugin:" + plugin.name();
  log::write(log::Level::kInfo, component, scope.request_id, "running " + what);
  FileSpec spec{plugin.name(), reg.name, reg.kind, reg.extension, date, from, to};
  auto out = deliver(*services, plugin.base_dir(), tenant, spec, scope, [&](GuardedSink&) {
    return plugin.call(scope, [&](mvne_context* ctx, void* state) {
      return reg.handler(state, reg.export_data, ctx, from, to);
    });
  });
  if (!out.ok()) {
    bool blocked = !scope.blocked.empty();
    if (blocked) plugin.metrics().count_plugin_error(plugin.name(), "egress_blocked");
    plugin.metrics().count_export(plugin.name(), blocked ? "egress_blocked" : "failed");
    return Status(out.status().code(), what + ": " + out.status().message());
  }
  plugin.metrics().count_export(plugin.name(), "written");
  log::write(log::Level::kInfo, component, scope.request_id,
             "wrote " + out->file + ": " + std::to_string(out->rows) + " rows, sha256 " +
                 out->sha256);
  return out;
}

int run_for_all_tenants(plugin::PluginInstance& plugin, const plugin::ExportRegistration& reg,
                        int64_t now) {
  if (plugin.services() == nullptr) return 0;
  auto tenants = plugin.services()->directory->tenants();
  const std::string component = "plugin:" + plugin.name();
  if (!tenants.ok()) {
    log::error(component, "export '" + reg.name + "': " + tenants.status().message());
    return 0;
  }
  int written = 0;
  for (const auto& tenant : tenants.value()) {
    if (!enabled_for(tenant, plugin.name()) || tenant.export_dir.empty()) continue;
    // The day before today, in the tenant's zone.
    auto today = local_date(tenant.time_zone, now);
    auto bounds = today.ok() ? local_period(tenant.time_zone, today.value())
                             : StatusOr<std::pair<int64_t, int64_t>>(today.status());
    auto yesterday = bounds.ok() ? local_date(tenant.time_zone, bounds->first - 1)
                                 : StatusOr<std::string>(bounds.status());
    auto outcome = yesterday.ok() ? run(plugin, reg, tenant, yesterday.value())
                                  : StatusOr<Outcome>(yesterday.status());
    if (outcome.ok()) {
      ++written;
      mail::export_ready(*plugin.services(), tenant, plugin.name(), yesterday.value(),
                         outcome->file, outcome->rows);
    } else {
      log::error(component, outcome.status().message());
    }
  }
  return written;
}

}  // namespace mvne::exports
