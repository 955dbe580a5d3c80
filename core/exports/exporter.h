// Export files: one file per (plugin export, tenant, local day), written by the plugin's
// export handler under a context scoped to that tenant. The host checks the bytes with the
// egress guard as one stream (an identifier split across writes is seen whole), writes the
// file atomically (random temporary name, created exclusively, no symbolic links followed)
// into `<tenant export dir>/<plugin>/` as `<tenant>_<plugin>_<export>_<date>.<ext>` with a
// manifest beside it (tenant, rows, sha256, time range, generated-at), and audits the
// delivery. A tenant whose export directory overlaps another tenant's gets no file. Files
// are 0600 in 0700 directories (0640/0750 under a setgid export directory).
// Re-running a day replaces the file with the same bytes.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/plugin/plugin_instance.h"
#include "core/tenancy/directory.h"

namespace mvne::exports {

struct Outcome {
  std::string file;      // absolute path of the data file
  std::string manifest;  // absolute path of its manifest
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string sha256;
};

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
