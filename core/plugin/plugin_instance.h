// One enabled plugin: its library, its state pointer, what it registered, and a gate that
// counts in-flight calls so the plugin is stopped only after they have completed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/metrics/metrics.h"
#include "core/platform/services.h"
#include "core/plugin/call_scope.h"
#include "core/plugin/library.h"

namespace mvne::plugin {

class PluginInstance {
 public:
  // `services` may be null (no storage): record kinds are then refused.
  // Relative directories the plugin registers resolve against `base_dir`.
  PluginInstance(std::string name, std::shared_ptr<PluginLibrary> library, config::Section config,
                 metrics::Metrics* metrics, platform::Services* services = nullptr,
                 std::string base_dir = {}, CallLimits limits = {});
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Calls on_start; on success the plugin's registrations are available.
  Status start();

  // Closes the gate, waits up to `timeout` for in-flight calls, then calls on_stop.
  void stop(std::chrono::milliseconds timeout);

  // Calls a plugin callback under a fresh context of `phase`. Returns the host-side view of
  // the outcome: ok, or an error naming what the plugin did wrong (already logged and
  // counted). `call` receives the handle and the plugin state and returns the raw status.
  using RawCall = std::function<mvne_status(mvne_context*, void* state)>;
  Status call(CallScope& scope, const RawCall& raw);

  const std::string& name() const { return name_; }
  const config::Section& config() const { return config_; }
  const Registrations& registrations() const { return registrations_; }
  const PluginLibrary& library() const { return *library_; }
  platform::Services* services() const { return services_; }
  const std::string& base_dir() const { return base_dir_; }
  metrics::Metrics& metrics() const { return *metrics_; }
  const CallLimits& limits() const { return limits_; }
  // A record kind this plugin declared, or nullptr.
  const records::KindDef* kind(const std::string& name) const;

  // The operator's grants of other plugins' kinds to this one ("plugin.kind"); set before
  // start(). A kind is readable when it is both granted and declared in the descriptor.
  void grant_reads(std::set<std::string> granted) { granted_reads_ = std::move(granted); }
  const std::set<std::string>& granted_reads() const { return granted_reads_; }
  // Empty when this plugin may read `owner_kind`; else why not.
  std::string read_refusal(const std::string& owner_kind) const;

 private:
  bool enter();
  void leave();
  // Logs declared reads the config does not grant, and grants nothing declares.
  void warn_about_reads() const;
  // Closes the plugin's datagram sockets; no handler runs after it returns.
  void close_listeners();
  // Runs one callback under a fresh context handle; catches, checks, logs and counts.
  Status invoke(CallScope& scope, const RawCall& raw);

  const std::string name_;
  const std::shared_ptr<PluginLibrary> library_;  // outlives everything the plugin made
  const config::Section config_;
  metrics::Metrics* const metrics_;
  platform::Services* const services_;
  const std::string base_dir_;
  const CallLimits limits_;
  Registrations registrations_;  // written once by start(), read-only afterwards
  std::set<std::string> granted_reads_;
  void* state_ = nullptr;
  bool started_ = false;

  std::mutex mu_;
  std::condition_variable drained_;
  int in_flight_ = 0;    // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

}  // namespace mvne::plugin
