// Plugin exports: one file per (plugin export, tenant, local day), written by the plugin's
// export handler under a context scoped to that tenant and delivered as tenant_file.h says:
// `<tenant export dir>/<plugin>/<tenant>_<plugin>_<export>_<date>.<ext>` and its manifest.
// Re-running a day replaces the file with the same bytes.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/exports/tenant_file.h"
#include "core/plugin/plugin_instance.h"
#include "core/tenancy/directory.h"

namespace mvne::exports {

// Runs `reg` of `plugin` for `tenant` and its local day `date` ("YYYY-MM-DD").
StatusOr<Outcome> run(plugin::PluginInstance& plugin, const plugin::ExportRegistration& reg,
                      const tenancy::Tenant& tenant, const std::string& date);

// Runs `reg` for the previous local day of every tenant that enabled the plugin and has
// an export directory; failures are logged and counted, and do not stop the others.
// Returns how many files were written.
int run_for_all_tenants(plugin::PluginInstance& plugin, const plugin::ExportRegistration& reg,
                        int64_t now);

// The export named `name` of `plugin`, or nullptr.
const plugin::ExportRegistration* find(const plugin::PluginInstance& plugin,
                                       const std::string& name);

}  // namespace mvne::exports
