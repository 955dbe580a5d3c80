#include "core/exports/tenant_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/private_files.h"
#include "core/common/time.h"
#include "core/exports/atomic_file.h"
#include "core/http/request_id.h"
#include "core/log/log.h"
#include "core/tenancy/export_dirs.h"

namespace mvne::exports {
namespace {

namespace fs = std::filesystem;

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

// The producer's directory under the tenant's export directory, created if missing and
// opened without following a link there; refused when the tenant's export directory is,
// contains or lies inside another tenant's. `modes` receives the modes its files get.
StatusOr<ExportDir> open_producer_dir(platform::Services& services, const std::string& base_dir,
                                      const tenancy::Tenant& tenant, const std::string& producer,
                                      Modes* modes) {
  auto tenants = services.directory->tenants();
  if (!tenants.ok()) return tenants.status();
  if (Status own = tenancy::check_export_dir(tenant, tenants.value(), base_dir); !own.ok()) {
    return own;
  }
  fs::path dir = tenancy::resolve_export_dir(tenant.export_dir, base_dir) / producer;
  *modes = modes_for(dir);
  if (Status made = files::create_dirs(dir, modes->dir); !made.ok()) return made;
  return ExportDir::open(dir.string());
}

}  // namespace

plugin::CallScope tenant_scope(plugin::PluginInstance* plugin, const tenancy::Tenant& tenant) {
  plugin::CallScope scope{plugin::Phase::kExport, plugin, http::next_request_id()};
  scope.principal.kind = auth::Principal::Kind::kTenant;
  scope.principal.tenant_id = tenant.id;
  scope.principal.tenant_code = tenant.code;
  scope.principal.time_zone = tenant.time_zone;
  scope.principal.name = "export";
  return scope;
}

StatusOr<Outcome> deliver(platform::Services& services, const std::string& base_dir,
                          const tenancy::Tenant& tenant, const FileSpec& spec,
                          plugin::CallScope& scope,
                          const std::function<Status(GuardedSink&)>& produce) {
  Modes modes;
  auto opened = open_producer_dir(services, base_dir, tenant, spec.producer, &modes);
  if (!opened.ok()) return opened.status();
  const ExportDir& export_dir = opened.value();
  const fs::path dir = export_dir.path();
  // The tenant's code leads every file name, so no two tenants' files can share a name.
  std::string base = tenant.code + "_" + spec.producer + "_" + spec.name + "_" + spec.period;
  fs::path data_path = dir / (base + "." + spec.extension);
  fs::path manifest_path = dir / (base + ".manifest.json");
  if (Status owned = check_manifest_owner(export_dir, manifest_path.filename(), tenant);
      !owned.ok()) {
    return owned;
  }

  AtomicFile file(export_dir, data_path.filename(), modes.file);
  if (Status st = file.open(); !st.ok()) return st;
  GuardedSink sink(&file, services.guard.get(), &scope);
  scope.export_sink = &sink;
  Status st = produce(sink);
  scope.export_sink = nullptr;

  auto audit_entry = [&](const char* action, std::string detail, int64_t rows) {
    return audit::Entry{0,         0,    scope.principal.describe(), spec.producer,    action,
                        spec.kind, rows, scope.request_id,           std::move(detail)};
  };
  if (!scope.blocked.empty()) {
    std::string incident = "inc-" + scope.request_id;
    log::write(log::Level::kError, "egress", scope.request_id,
               "blocked " + data_path.filename().string() + " (incident " + incident +
                   "): " + scope.blocked);
    (void)services.audit->append(
        audit_entry("egress_blocked", incident + ": " + scope.blocked, scope.rows_read));
    return Status::Precondition("withheld by the egress guard (incident " + incident + ")");
  }
  if (!st.ok()) return st;
  Outcome out{data_path.string(), manifest_path.string(), sink.rows(), sink.bytes(), sink.digest()};
  // Audited before it is published: no audit, no delivery (invariant 8).
  Status audited = services.audit->append(audit_entry(
      "export_file", data_path.filename().string() + " sha256 " + out.sha256, out.rows));
  if (!audited.ok()) return Status(audited.code(), "audit failed: " + audited.message());
  if (Status c = file.commit(); !c.ok()) return c;

  nlohmann::ordered_json manifest = {{"file", data_path.filename().string()},
                                     {"plugin", spec.producer},
                                     {"export", spec.name},
                                     {"tenant", tenant.code},
                                     {spec.period.size() == 7 ? "month" : "date", spec.period},
                                     {"time_zone", tenant.time_zone},
                                     {"from", format_time_us(spec.from)},
                                     {"to", format_time_us(spec.to)},
                                     {"rows", out.rows},
                                     {"bytes", out.bytes},
                                     {"sha256", out.sha256},
                                     {"generated_at", format_time_us(now_us())}};
  AtomicFile manifest_file(export_dir, manifest_path.filename(), modes.file);
  Status m = manifest_file.open();
  if (m.ok()) m = manifest_file.write(manifest.dump(2) + "\n");
  if (m.ok()) m = manifest_file.commit();
  if (!m.ok()) return m;
  return out;
}

}  // namespace mvne::exports
