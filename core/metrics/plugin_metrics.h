// Metrics a plugin defines (ABI 1.3): counters and histograms with up to four labels of its
// own, exported in /metrics as mvne_plugin_<plugin>_<name> (counters with _total) with a
// plugin label. Label values are masked like log lines (no phone number or IMSI reaches
// /metrics) and bounded in number per metric, so a plugin cannot grow the host's memory
// without limit.
#pragma once

#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace mvne::metrics {

class PluginMetrics {
 public:
  static constexpr size_t kMaxMetricsPerPlugin = 64;
  static constexpr size_t kMaxLabels = 4;
  static constexpr size_t kMaxSeries = 1000;  // label value sets per metric
  static constexpr size_t kMaxBuckets = 32;

  enum class Type { kCounter, kHistogram };
  struct Spec {
    std::string name, help;
    Type type = Type::kCounter;
    std::vector<std::string> labels;
    std::vector<double> buckets;  // histograms: ascending upper bounds
  };

  // Refused (with why) for a bad name, a name taken, too many labels or bad buckets.
  Status define(const std::string& plugin, Spec spec);
  // Adds `value` (counters, >= 0) or observes it (histograms). Unknown metric, wrong number
  // of label values, a negative count or one series too many: refused with why.
  Status record(const std::string& plugin, const std::string& name,
                const std::vector<std::string>& label_values, double value);
  // Forgets a plugin's metrics (it stopped).
  void forget(const std::string& plugin);

  void render(std::ostringstream& out) const;

 private:
  struct Series {
    double count = 0;  // counters: the total; histograms: observations
    double sum = 0;
    std::vector<uint64_t> buckets;
  };
  struct Metric {
    Spec spec;
    std::map<std::vector<std::string>, Series> series;
  };

  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Metric>> metrics_;  // plugin -> name -> metric
};

}  // namespace mvne::metrics
