// Tenants' export directories never overlap: a tenant's files must not land in a directory
// another tenant is handed. Directories are compared after resolving them (relative to the
// configuration's directory, `..`, symbolic links of the part that exists), and one inside
// another counts as overlapping, either way round.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/tenancy/directory.h"

namespace mvne::tenancy {

// `export_dir` as the host writes to it: absolute, `..` and symbolic links resolved.
std::filesystem::path resolve_export_dir(const std::string& export_dir,
                                         const std::string& base_dir);

// Ok, or kFailedPrecondition naming both tenants and both directories when the export
// directory of `tenant` is, contains or lies inside that of another tenant of `tenants`
// (entries with the same code are `tenant` itself and skipped).
Status check_export_dir(const Tenant& tenant, const std::vector<Tenant>& tenants,
                        const std::string& base_dir);

// The same against every tenant in `directory`.
Status check_export_dir(const Tenant& tenant, Directory& directory, const std::string& base_dir);

}  // namespace mvne::tenancy
