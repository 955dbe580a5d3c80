// Process metrics, rendered in the Prometheus text exposition format (version 0.0.4).
// Thread-safe; label values are bounded by the caller (route prefixes, plugin names).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/metrics/plugin_metrics.h"

namespace mvne::metrics {

class Metrics {
 public:
  // One finished HTTP request: its matched route (or a fixed name), status and duration.
  void observe_request(std::string_view route, int status, double seconds);

  // A failed call into a plugin, by reason ("exception", "error_status", "bad_status", ...).
  void count_plugin_error(std::string_view plugin, std::string_view reason);

  // The plugin's lifecycle state: "running", "failed", "stopping" or "disabled".
  void set_plugin_state(std::string_view plugin, std::string_view state);

  // Spool files by outcome ("done", "failed", "skipped_same_content") and records by
  // outcome ("stored", "duplicate", "quarantined").
  void count_ingest_file(std::string_view plugin, std::string_view outcome);
  void count_ingest_records(std::string_view plugin, std::string_view outcome, uint64_t n);
  // Export files by outcome ("written", "failed", "egress_blocked").
  void count_export(std::string_view plugin, std::string_view outcome);
  // Datagrams by outcome ("handled", or the reason the plugin dropped one).
  void count_datagram(std::string_view plugin, std::string_view outcome);
  uint64_t datagrams(std::string_view plugin, std::string_view outcome) const;
  // Consumer logins by outcome ("ok", "failed", "throttled", "locked", "unavailable").
  void count_login(std::string_view outcome);
  uint64_t logins(std::string_view outcome) const;

  uint64_t plugin_errors(std::string_view plugin, std::string_view reason) const;
  uint64_t ingest_records(std::string_view plugin, std::string_view outcome) const;
  uint64_t requests(std::string_view route, int status) const;

  std::string render() const;

  // The metrics plugins define (ABI 1.3), rendered after the host's own.
  PluginMetrics& plugins() { return plugins_; }

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   1.0};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, int>, uint64_t> requests_;        // (route, status)
  std::map<std::string, Histogram> latency_;                         // route
  std::map<std::tuple<std::string, std::string>, uint64_t> errors_;  // (plugin, reason)
  std::map<std::string, std::string> plugin_states_;
  std::map<std::tuple<std::string, std::string>, uint64_t> ingest_files_;    // (plugin, outcome)
  std::map<std::tuple<std::string, std::string>, uint64_t> ingest_records_;  // (plugin, outcome)
  std::map<std::tuple<std::string, std::string>, uint64_t> exports_;         // (plugin, outcome)
  std::map<std::string, uint64_t, std::less<>> logins_;                      // outcome
  std::map<std::tuple<std::string, std::string>, uint64_t> datagrams_;       // (plugin, outcome)
  PluginMetrics plugins_;  // locks itself
};

}  // namespace mvne::metrics
