// export commands: run a plugin's daily export for one tenant and day, on demand. The
// plugin is loaded into mvnectl (it receives no traffic here) and writes through the same
// host path as the scheduled export: egress guard, atomic file, manifest, audit.
#include <algorithm>

#include "core/exports/exporter.h"
#include "core/metrics/metrics.h"
#include "core/plugin/plugin_manager.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

int run_export(Session& s, const po::variables_map& vm) {
  const std::string plugin_name = arg(vm, "plugin");
  const auto& enabled = s.settings().plugins.enabled;
  if (std::find(enabled.begin(), enabled.end(), plugin_name) == enabled.end()) {
    return refuse(Status::Precondition("plugin '" + plugin_name +
                                       "' is not enabled in [plugins] enabled of the config"));
  }
  auto tenant = s.directory().tenant(arg(vm, "tenant"));
  if (!tenant.ok()) return refuse(tenant.status());
  metrics::Metrics metrics;
  auto plugin = plugin::load_and_start(plugin_name, s.settings(), &metrics, s.services());
  if (!plugin.ok()) return refuse(plugin.status());
  const auto& exports = plugin.value()->registrations().exports;
  std::string name = arg(vm, "export");
  if (name.empty() && exports.size() == 1) name = exports.front().name;
  const plugin::ExportRegistration* reg = exports::find(*plugin.value(), name);
  if (reg == nullptr) {
    std::string known;
    for (const auto& e : exports) known += (known.empty() ? "" : ", ") + e.name;
    plugin.value()->stop(std::chrono::milliseconds(0));
    return refuse(Status::Invalid("plugin '" + plugin_name + "' has no export '" + name +
                                  "' (it has: " + (known.empty() ? "none" : known) + ")"));
  }
  auto outcome = exports::run(*plugin.value(), *reg, tenant.value(), arg(vm, "date"));
  plugin.value()->stop(std::chrono::milliseconds(0));
  if (!outcome.ok()) return refuse(outcome.status());
  if (Status st = s.audit_action(
          "export_run", plugin_name + "/" + reg->name + " " + tenant->code + " " + arg(vm, "date"),
          outcome->rows);
      !st.ok()) {
    return refuse(st);
  }
  s.print(file_json(outcome.value()));
  return kOk;
}

}  // namespace

nlohmann::ordered_json file_json(const exports::Outcome& out) {
  return {{"file", out.file},
          {"manifest", out.manifest},
          {"rows", out.rows},
          {"bytes", out.bytes},
          {"sha256", out.sha256}};
}

std::vector<Command> export_commands() {
  return {
      {"export", "run", "write one tenant's export file for one day (replaces that day's file)",
       [](po::options_description& o) {
         o.add_options()("plugin", po::value<std::string>()->required(), "plugin name")(
             "tenant", po::value<std::string>()->required(), "tenant code")(
             "date", po::value<std::string>()->required(),
             "the day, YYYY-MM-DD, in the tenant's time zone")(
             "export", po::value<std::string>()->default_value(""),
             "export name (default: the plugin's only export)");
       },
       run_export},
  };
}

}  // namespace mvne::ctl
