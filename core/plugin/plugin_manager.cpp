#include "core/plugin/plugin_manager.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/log/log.h"
#include "core/plugin/host_api.h"
#include "core/plugin/library.h"

namespace mvne::plugin {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// True when `settings` give the running `plugin` the section it has now.
bool same_config(const config::Settings& settings, const PluginInstance& plugin) {
  auto section = effective_section(settings, plugin.name(), plugin.library().config_keys());
  return section.ok() && section.value() == plugin.config();
}

// What the operator grants plugin `name` to read of other plugins, "plugin.kind".
std::set<std::string> reads_granted(const config::Settings& settings, const std::string& name) {
  std::set<std::string> out;
  for (const auto& g : settings.plugins.read_grants) {
    if (g.reader == name) out.insert(g.owner + "." + g.kind);
  }
  return out;
}

}  // namespace

StatusOr<std::shared_ptr<PluginInstance>> load_and_start(const std::string& name,
                                                         const config::Settings& settings,
                                                         metrics::Metrics* metrics,
                                                         platform::Services* services) {
  std::string path = plugin_path(settings.plugins.dirs, name);
  auto library = PluginLibrary::open(path, name, host_api());
  if (!library.ok()) return library.status();
  const config::PluginSettings& p = settings.plugins;
  CallLimits limits{static_cast<size_t>(p.max_open_cursors),
                    static_cast<size_t>(p.max_callback_mib) << 20,
                    static_cast<size_t>(p.kv_max_keys)};
  auto section = effective_section(settings, name, library.value()->config_keys());
  if (!section.ok()) return section.status();
  auto plugin = std::make_shared<PluginInstance>(name, library.value(), std::move(section).value(),
                                                 metrics, services, settings.base_dir, limits);
  plugin->grant_reads(reads_granted(settings, name));
  Status started = plugin->start();
  if (!started.ok()) return started;
  return plugin;
}

PluginManager::PluginManager(metrics::Metrics* metrics, platform::Services* services)
    : metrics_(metrics),
      services_(services),
      routes_(std::make_shared<RouteTable>(std::vector<Route>())) {}

PluginManager::~PluginManager() { stop_all(std::chrono::milliseconds(0)); }

Status PluginManager::apply(const config::Settings& settings,
                            std::chrono::milliseconds stop_timeout) {
  std::lock_guard apply_lock(apply_mu_);
  // Stop what is no longer wanted as it runs, newest first.
  std::vector<std::shared_ptr<PluginInstance>> current = running();
  for (auto it = current.rbegin(); it != current.rend(); ++it) {
    const auto& plugin = *it;
    bool wanted = contains(settings.plugins.enabled, plugin->name()) &&
                  same_config(settings, *plugin) &&
                  plugin->library().path() == plugin_path(settings.plugins.dirs, plugin->name());
    if (!wanted) stop_one(plugin, stop_timeout);
  }
  {
    std::lock_guard lock(mu_);
    enabled_ = settings.plugins.enabled;
    for (auto& [name, status] : statuses_) {
      if (!contains(enabled_, name) && status.state != "disabled") {
        status = {name, "disabled", {}, {}};
        metrics_->set_plugin_state(name, "disabled");
      }
    }
  }
  for (const auto& name : settings.plugins.enabled) {
    bool is_running = false;
    for (const auto& p : running()) is_running = is_running || p->name() == name;
    if (!is_running) start_one(name, settings);
  }
  std::string missing;
  {
    std::lock_guard lock(mu_);
    for (const auto& name : settings.plugins.required) {
      const PluginStatus& st = statuses_[name];
      if (st.state != "running") missing += "\n  " + name + ": " + st.reason;
    }
  }
  if (!missing.empty()) return Status::Unavailable("required plugin(s) not running:" + missing);
  return Status::Ok();
}

Status PluginManager::check_configs(const config::Settings& settings) const {
  std::string problems;
  for (const auto& plugin : running()) {
    if (!contains(settings.plugins.enabled, plugin->name())) continue;
    auto section = effective_section(settings, plugin->name(), plugin->library().config_keys());
    if (!section.ok()) problems += (problems.empty() ? "" : "\n") + section.status().message();
  }
  return problems.empty() ? Status::Ok() : Status::Invalid(problems);
}

void PluginManager::start_one(const std::string& name, const config::Settings& settings) {
  auto loaded = load_and_start(name, settings, metrics_, services_);
  if (!loaded.ok()) {
    set_status(name, "failed", loaded.status().message());
    return;
  }
  std::shared_ptr<PluginInstance> plugin = loaded.value();
  for (const auto& route : plugin->registrations().routes) {
    const Route* clash = routes()->conflict(route, name, settings.plugins.nested_routes);
    if (clash != nullptr) {
      plugin->stop(std::chrono::milliseconds(0));
      const RouteRegistration& other = clash->registration;
      set_status(name, "failed",
                 "route " + route.method + " " + route.prefix +
                     (other.prefix == route.prefix
                          ? " is already served by plugin '" + clash->plugin->name() + "'"
                          : " clashes with plugin '" + clash->plugin->name() + "' route " +
                                other.method + " " + other.prefix +
                                " (one lies inside the other; [plugins] nested_routes can "
                                "allow it)"));
      return;
    }
  }
  {
    std::lock_guard lock(mu_);
    running_.push_back(plugin);
    publish_routes();
  }
  const std::string version = plugin->library().version();
  set_status(name, "running", {}, version);
  log::info("plugins", "plugin '" + name + "' " + version + " running from " +
                           plugin->library().path() + " (" +
                           std::to_string(plugin->registrations().routes.size()) + " route(s), " +
                           std::to_string(plugin->registrations().jobs.size()) + " job(s))");
}

void PluginManager::stop_one(const std::shared_ptr<PluginInstance>& plugin,
                             std::chrono::milliseconds timeout) {
  {
    // Unpublish first, so no new request reaches the plugin while it drains.
    std::lock_guard lock(mu_);
    std::erase(running_, plugin);
    publish_routes();
    statuses_[plugin->name()].state = "stopping";
  }
  metrics_->set_plugin_state(plugin->name(), "stopping");
  plugin->stop(timeout);
  set_status(plugin->name(), "disabled", {});
  log::info("plugins", "plugin '" + plugin->name() + "' stopped");
}

void PluginManager::stop_all(std::chrono::milliseconds timeout) {
  std::lock_guard apply_lock(apply_mu_);
  std::vector<std::shared_ptr<PluginInstance>> current = running();
  for (auto it = current.rbegin(); it != current.rend(); ++it) stop_one(*it, timeout);
}

void PluginManager::set_status(const std::string& name, const std::string& state,
                               const std::string& reason, const std::string& version) {
  if (state == "failed") log::error("plugins", "plugin '" + name + "' failed: " + reason);
  std::lock_guard lock(mu_);
  statuses_[name] = {name, state, reason, version};
  metrics_->set_plugin_state(name, state);
}

void PluginManager::publish_routes() {
  std::vector<Route> routes;
  for (const auto& plugin : running_) {
    for (const auto& reg : plugin->registrations().routes) routes.push_back({reg, plugin});
  }
  routes_ = std::make_shared<const RouteTable>(std::move(routes));
}

std::shared_ptr<const RouteTable> PluginManager::routes() const {
  std::lock_guard lock(mu_);
  return routes_;
}

std::vector<std::shared_ptr<PluginInstance>> PluginManager::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

std::vector<PluginStatus> PluginManager::statuses() const {
  std::lock_guard lock(mu_);
  std::vector<PluginStatus> out;
  for (const auto& [name, st] : statuses_) out.push_back(st);
  return out;
}

bool PluginManager::all_running() const {
  std::lock_guard lock(mu_);
  for (const auto& name : enabled_) {
    auto it = statuses_.find(name);
    if (it == statuses_.end() || it->second.state != "running") return false;
  }
  return true;
}

}  // namespace mvne::plugin
