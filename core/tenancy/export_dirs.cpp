#include "core/tenancy/export_dirs.h"

#include <algorithm>

namespace mvne::tenancy {
namespace {

namespace fs = std::filesystem;

// True when `inner` is `outer` or lies below it (whole components compared).
bool within(const fs::path& inner, const fs::path& outer) {
  auto o = outer.begin(), i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

fs::path resolve_export_dir(const std::string& export_dir, const std::string& base_dir) {
  fs::path dir(export_dir);
  if (dir.is_relative() && !base_dir.empty()) dir = fs::path(base_dir) / dir;
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec) resolved = fs::absolute(dir).lexically_normal();
  // "a/b/" and "a/b" are one directory.
  if (!resolved.has_filename() && resolved.has_parent_path()) resolved = resolved.parent_path();
  return resolved;
}

Status check_export_dir(const Tenant& tenant, const std::vector<Tenant>& tenants,
                        const std::string& base_dir) {
  const fs::path mine = resolve_export_dir(tenant.export_dir, base_dir);
  for (const Tenant& other : tenants) {
    if (other.code == tenant.code || other.export_dir.empty()) continue;
    const fs::path theirs = resolve_export_dir(other.export_dir, base_dir);
    if (!within(mine, theirs) && !within(theirs, mine)) continue;
    std::string how = mine == theirs         ? "is the same directory as"
                      : within(mine, theirs) ? "lies inside"
                                             : "contains";
    return Status::Precondition(
        "tenant '" + tenant.code + "': export directory '" + tenant.export_dir + "' (" +
        mine.string() + ") " + how + " the export directory of tenant '" + other.code + "' ('" +
        other.export_dir + "', " + theirs.string() + "); each tenant needs a directory of its own");
  }
  return Status::Ok();
}

Status check_export_dir(const Tenant& tenant, Directory& directory, const std::string& base_dir) {
  auto tenants = directory.tenants();
  if (!tenants.ok()) return tenants.status();
  return check_export_dir(tenant, tenants.value(), base_dir);
}

}  // namespace mvne::tenancy
