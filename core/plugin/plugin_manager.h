// Keeps the set of running plugins in line with the configuration: starts the enabled
// ones in order, stops the others in reverse order after their in-flight calls, and
// publishes the route table. A plugin that fails to load or start is marked failed with
// its reason; the others keep working.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/metrics/metrics.h"
#include "core/plugin/plugin_instance.h"
#include "core/plugin/route_table.h"

namespace mvne::plugin {

// Loads plugin `name` from the configured plugin directory and starts it, alone (the
// manager's start, and mvnectl's on-demand exports).
StatusOr<std::shared_ptr<PluginInstance>> load_and_start(const std::string& name,
                                                         const config::Settings& settings,
                                                         metrics::Metrics* metrics,
                                                         platform::Services* services);

struct PluginStatus {
  std::string name;
  std::string state;   // running, failed, disabled
  std::string reason;  // why it failed, empty otherwise
  std::string version;
};

class PluginManager {
 public:
  explicit PluginManager(metrics::Metrics* metrics, platform::Services* services = nullptr);
  ~PluginManager();

  // Applies `settings`. Fails only when a plugin in plugins.required is not running.
  Status apply(const config::Settings& settings, std::chrono::milliseconds stop_timeout);

  // Checks the sections `settings` give the running plugins against the keys they declare
  // (for a reload, before it is applied): every problem, or ok.
  Status check_configs(const config::Settings& settings) const;

  // Stops every plugin in reverse start order.
  void stop_all(std::chrono::milliseconds timeout);

  std::shared_ptr<const RouteTable> routes() const;
  std::vector<std::shared_ptr<PluginInstance>> running() const;
  std::vector<PluginStatus> statuses() const;
  // True when every enabled plugin is running.
  bool all_running() const;

 private:
  void start_one(const std::string& name, const config::Settings& settings);
  void stop_one(const std::shared_ptr<PluginInstance>& plugin, std::chrono::milliseconds timeout);
  void set_status(const std::string& name, const std::string& state, const std::string& reason,
                  const std::string& version = {});
  void publish_routes();  // requires mu_

  metrics::Metrics* const metrics_;
  platform::Services* const services_;
  std::mutex apply_mu_;  // one apply or stop at a time
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<PluginInstance>> running_;  // guarded by mu_, start order
  std::map<std::string, PluginStatus> statuses_;          // guarded by mu_
  std::vector<std::string> enabled_;                      // guarded by mu_
  std::shared_ptr<const RouteTable> routes_;              // guarded by mu_
};

}  // namespace mvne::plugin
