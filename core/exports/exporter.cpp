#include "core/exports/exporter.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/local_time.h"
#include "core/common/private_files.h"
#include "core/common/time.h"
#include "core/exports/atomic_file.h"
#include "core/exports/guarded_sink.h"
#include "core/http/request_id.h"
#include "core/log/log.h"
#include "core/tenancy/export_dirs.h"

namespace mvne::exports {
namespace {

namespace fs = std::filesystem;

bool enabled_for(const tenancy::Tenant& tenant, const std::string& plugin) {
  return std::find(tenant.plugins.begin(), tenant.plugins.end(), plugin) != tenant.plugins.end();
}

// Export files are the tenant's alone: owner-only, or group-readable (0640, directories
// 0750) when the operator gave the export directory a group with the setgid bit.
struct Modes {
  mode_t dir = 0700;
  mode_t file = 0600;
};
Modes modes_for(const fs::path& dir) {
  fs::path at = dir;
  struct stat st {};
  while (::stat(at.c_str(), &st) != 0 && at.has_parent_path() && at.parent_path() != at)
    at = at.parent_path();
  if ((st.st_mode & S_ISGID) != 0) return {0750, 0640};
  return {};
}

// The manifest already at `name`, if any, must be the tenant's own.
Status check_manifest_owner(const ExportDir& dir, const std::string& name,
                            const tenancy::Tenant& tenant) {
  auto existing = dir.read(name);
  if (existing.status().code() == Code::kNotFound) return Status::Ok();
  if (!existing.ok()) return existing.status();
  auto manifest = nlohmann::json::parse(existing.value(), nullptr, false);
  std::string owner =
      manifest.is_object() && manifest.contains("tenant") && manifest["tenant"].is_string()
          ? manifest["tenant"].get<std::string>()
          : std::string();
  if (owner == tenant.code) return Status::Ok();
  return Status::Precondition(dir.path() + "/" + name + " belongs to tenant '" + owner +
                              "', not '" + tenant.code + "': refused to write over it");
}

// The plugin's directory under the tenant's export directory, created if missing and opened
// without following a link there; refused when the tenant's export directory is, contains or
// lies inside another tenant's. `modes` receives the modes its files get.
StatusOr<ExportDir> open_plugin_dir(plugin::PluginInstance& plugin, const tenancy::Tenant& tenant,
                                    Modes* modes) {
  auto tenants = plugin.services()->directory->tenants();
  if (!tenants.ok()) return tenants.status();
  if (Status own = tenancy::check_export_dir(tenant, tenants.value(), plugin.base_dir());
      !own.ok()) {
    return own;
  }
  fs::path dir = tenancy::resolve_export_dir(tenant.export_dir, plugin.base_dir()) / plugin.name();
  *modes = modes_for(dir);
  if (Status made = files::create_dirs(dir, modes->dir); !made.ok()) return made;
  return ExportDir::open(dir.string());
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
  Modes modes;
  auto opened = open_plugin_dir(plugin, tenant, &modes);
  if (!opened.ok()) {
    plugin.metrics().count_export(plugin.name(), "failed");
    return Status(opened.status().code(), what + ": " + opened.status().message());
  }
  const ExportDir& export_dir = opened.value();
  const fs::path dir = export_dir.path();
  // The tenant's code leads every file name, so no two tenants' files can share a name.
  std::string base = tenant.code + "_" + plugin.name() + "_" + reg.name + "_" + date;
  fs::path data_path = dir / (base + "." + reg.extension);
  fs::path manifest_path = dir / (base + ".manifest.json");
  if (Status owned = check_manifest_owner(export_dir, manifest_path.filename(), tenant);
      !owned.ok()) {
    return Status::Precondition(what + ": " + owned.message());
  }

  AtomicFile file(export_dir, data_path.filename(), modes.file);
  if (Status st = file.open(); !st.ok()) return st;
  plugin::CallScope scope{plugin::Phase::kExport, &plugin, http::next_request_id()};
  scope.principal.kind = auth::Principal::Kind::kTenant;
  scope.principal.tenant_id = tenant.id;
  scope.principal.tenant_code = tenant.code;
  scope.principal.time_zone = tenant.time_zone;
  scope.principal.name = "export";
  GuardedSink sink(&file, services->guard.get(), &scope);
  scope.export_sink = &sink;
  const std::string component = "plugin:" + plugin.name();
  log::write(log::Level::kInfo, component, scope.request_id, "running " + what);
  const auto [from, to] = period.value();
  Status st = plugin.call(scope, [&](mvne_context* ctx, void* state) {
    return reg.handler(state, reg.export_data, ctx, from, to);
  });

  auto audit_entry = [&](const char* action, std::string detail, int64_t rows) {
    return audit::Entry{0,        0,    scope.principal.describe(), plugin.name(),    action,
                        reg.kind, rows, scope.request_id,           std::move(detail)};
  };
  if (!scope.blocked.empty()) {
    std::string incident = "inc-" + scope.request_id;
    log::write(log::Level::kError, "egress", scope.request_id,
               "blocked " + what + " (incident " + incident + "): " + scope.blocked);
    plugin.metrics().count_plugin_error(plugin.name(), "egress_blocked");
    plugin.metrics().count_export(plugin.name(), "egress_blocked");
    (void)services->audit->append(
        audit_entry("egress_blocked", incident + ": " + scope.blocked, scope.rows_read));
    return Status::Precondition(what + ": withheld by the egress guard (incident " + incident +
                                ")");
  }
  if (!st.ok()) {
    plugin.metrics().count_export(plugin.name(), "failed");
    return Status(st.code(), what + ": " + st.message());
  }
  Outcome out{data_path.string(), manifest_path.string(), sink.rows(), sink.bytes(), sink.digest()};
  // Audited before it is published: no audit, no delivery (invariant 8).
  Status audited = services->audit->append(audit_entry(
      "export_file", data_path.filename().string() + " sha256 " + out.sha256, out.rows));
  if (!audited.ok()) return Status(audited.code(), what + ": audit failed: " + audited.message());
  if (Status c = file.commit(); !c.ok()) return c;

  nlohmann::ordered_json manifest = {{"file", data_path.filename().string()},
                                     {"plugin", plugin.name()},
                                     {"export", reg.name},
                                     {"tenant", tenant.code},
                                     {"date", date},
                                     {"time_zone", tenant.time_zone},
                                     {"from", format_time_us(from)},
                                     {"to", format_time_us(to)},
                                     {"rows", out.rows},
                                     {"bytes", out.bytes},
                                     {"sha256", out.sha256},
                                     {"generated_at", format_time_us(now_us())}};
  AtomicFile manifest_file(export_dir, manifest_path.filename(), modes.file);
  Status m = manifest_file.open();
  if (m.ok()) m = manifest_file.write(manifest.dump(2) + "\n");
  if (m.ok()) m = manifest_file.commit();
  if (!m.ok()) return m;
  plugin.metrics().count_export(plugin.name(), "written");
  log::write(log::Level::kInfo, component, scope.request_id,
             "wrote " + data_path.string() + ": " + std::to_string(out.rows) + " rows, sha256 " +
                 out.sha256);
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
    } else {
      log::error(component, outcome.status().message());
    }
  }
  return written;
}

}  // namespace mvne::exports
