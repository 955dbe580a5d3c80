#include "core/exports/exporter.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::exports {
namespace {

namespace fs = std::filesystem;

// A file written beside its final name and renamed over it once complete and synced.
class AtomicFile {
 public:
  explicit AtomicFile(fs::path final_path)
      : final_(std::move(final_path)),
        temp_(final_.parent_path() /
              ("." + final_.filename().string() + ".tmp-" + std::to_string(::getpid()))) {}
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status open() {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd_ < 0) return Status::Unavailable(temp_.string() + ": cannot create");
    return Status::Ok();
  }
  Status write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) return Status::Unavailable(temp_.string() + ": write failed");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  Status commit() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return Status::Unavailable(temp_.string() + ": sync failed");
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), final_.c_str()) != 0)
      return Status::Unavailable(final_.string() + ": rename failed");
    committed_ = true;
    return Status::Ok();
  }

 private:
  fs::path final_;
  fs::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// What export_write feeds: the file, its hash and the counts.
class FileSink : public plugin::ExportSink {
 public:
  explicit FileSink(AtomicFile* file) : file_(file) { crypto_hash_sha256_init(&sha_); }
  Status write(std::string_view bytes, uint64_t rows) override {
    crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    rows_ += static_cast<int64_t>(rows);
    bytes_ += static_cast<int64_t>(bytes.size());
    return file_->write(bytes);
  }
  std::string digest() {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha_, out);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
  }
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  AtomicFile* file_;
  crypto_hash_sha256_state sha_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

bool enabled_for(const tenancy::Tenant& tenant, const std::string& plugin) {
  return std::find(tenant.plugins.begin(), tenant.plugins.end(), plugin) != tenant.plugins.end();
}

fs::path export_dir(const plugin::PluginInstance& plugin, const tenancy::Tenant& tenant) {
  fs::path dir(tenant.export_dir);
  if (dir.is_relative() && !plugin.base_dir().empty()) dir = fs::path(plugin.base_dir()) / dir;
  return (dir / plugin.name()).lexically_normal();
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
  fs::path dir = export_dir(plugin, tenant);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Status::Unavailable(what + ": cannot create " + dir.string() + ": " + ec.message());
  std::string base = plugin.name() + "_" + reg.name + "_" + date;
  fs::path data_path = dir / (base + "." + reg.extension);
  fs::path manifest_path = dir / (base + ".manifest.json");

  AtomicFile file(data_path);
  if (Status st = file.open(); !st.ok()) return st;
  FileSink sink(&file);
  plugin::CallScope scope{plugin::Phase::kExport, &plugin, http::next_request_id()};
  scope.principal.kind = auth::Principal::Kind::kTenant;
  scope.principal.tenant_id = tenant.id;
  scope.principal.tenant_code = tenant.code;
  scope.principal.time_zone = tenant.time_zone;
  scope.principal.name = "export";
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
  AtomicFile manifest_file(manifest_path);
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
