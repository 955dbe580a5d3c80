#include "core/metrics/plugin_metrics.h"

#include <algorithm>
#include <cmath>

#include "core/log/mask.h"
#include "core/metrics/exposition.h"

namespace mvne::metrics {
namespace {

bool name_ok(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z' &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

}  // namespace

Status PluginMetrics::define(const std::string& plugin, Spec spec) {
  if (!name_ok(spec.name)) return Status::Invalid("metric names use a-z, 0-9 and _");
  if (spec.labels.size() > kMaxLabels) {
    return Status::Invalid("metric '" + spec.name + "': at most 4 labels");
  }
  for (const auto& l : spec.labels) {
    if (!name_ok(l) || l == "plugin" || l == "le") {
      return Status::Invalid("metric '" + spec.name + "': bad label name '" + l + "'");
    }
  }
  if (spec.type == Type::kHistogram &&
      (spec.buckets.empty() || spec.buckets.size() > kMaxBuckets ||
       !std::is_sorted(spec.buckets.begin(), spec.buckets.end()) ||
       std::adjacent_find(spec.buckets.begin(), spec.buckets.end()) != spec.buckets.end() ||
       std::any_of(spec.buckets.begin(), spec.buckets.end(),
                   [](double b) { return !std::isfinite(b); }))) {
    return Status::Invalid("metric '" + spec.name +
                           "': a histogram needs 1 to 32 finite bucket bounds, ascending");
  }
  std::lock_guard lock(mu_);
  auto& mine = metrics_[plugin];
  if (mine.size() >= kMaxMetricsPerPlugin) {
    return Status::Invalid("metric '" + spec.name + "': a plugin defines at most 64 metrics");
  }
  if (mine.count(spec.name) != 0) {
    return Status::Invalid("metric '" + spec.name + "' is defined already");
  }
  std::string name = spec.name;
  mine[name] = Metric{std::move(spec), {}};
  return Status::Ok();
}

Status PluginMetrics::record(const std::string& plugin, const std::string& name,
                             const std::vector<std::string>& label_values, double value) {
  if (!std::isfinite(value)) return Status::Invalid("metric '" + name + "': value not finite");
  std::vector<std::string> masked;
  for (const auto& v : label_values) masked.push_back(log::mask_identifiers(v.substr(0, 128)));
  std::lock_guard lock(mu_);
  auto p = metrics_.find(plugin);
  auto m = p == metrics_.end() ? decltype(p->second.end()){} : p->second.find(name);
  if (p == metrics_.end() || m == p->second.end()) {
    return Status::NotFound("metric '" + name + "' was not defined");
  }
  Metric& metric = m->second;
  if (masked.size() != metric.spec.labels.size()) {
    return Status::Invalid("metric '" + name + "': " + std::to_string(metric.spec.labels.size()) +
                           " label values expected, got " + std::to_string(masked.size()));
  }
  if (metric.spec.type == Type::kCounter && value < 0) {
    return Status::Invalid("metric '" + name + "': a counter only goes up");
  }
  auto s = metric.series.find(masked);
  if (s == metric.series.end()) {
    if (metric.series.size() >= kMaxSeries) {
      return Status::Unavailable("metric '" + name + "': 1000 label value sets already");
    }
    s = metric.series.emplace(masked, Series{0, 0, std::vector<uint64_t>(metric.spec.buckets.size())})
            .first;
  }
  Series& series = s->second;
  if (metric.spec.type == Type::kCounter) {
    series.count += value;
    return Status::Ok();
  }
  series.count += 1;
  series.sum += value;
  for (size_t i = 0; i < metric.spec.buckets.size(); ++i) {
    if (value <= metric.spec.buckets[i]) ++series.buckets[i];
  }
  return Status::Ok();
}

void PluginMetrics::forget(const std::string& plugin) {
  std::lock_guard lock(mu_);
  metrics_.erase(plugin);
}

void PluginMetrics::render(std::ostringstream& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [plugin, metrics] : metrics_) {
    for (const auto& [name, metric] : metrics) {
      const bool counter = metric.spec.type == Type::kCounter;
      const std::string family = "mvne_plugin_" + plugin + "_" + name + (counter ? "_total" : "");
      out << "# HELP " << family << " " << label(metric.spec.help) << "\n# TYPE " << family
          << (counter ? " counter\n" : " histogram\n");
      for (const auto& [values, series] : metric.series) {
        std::string labels = "plugin=\"" + label(plugin) + "\"";
        for (size_t i = 0; i < values.size(); ++i) {
          labels += "," + metric.spec.labels[i] + "=\"" + label(values[i]) + "\"";
        }
        if (counter) {
          out << family << "{" << labels << "} " << number(series.count) << "\n";
          continue;
        }
        for (size_t i = 0; i < series.buckets.size(); ++i) {
          out << family << "_bucket{" << labels << ",le=\"" << number(metric.spec.buckets[i])
              << "\"} " << series.buckets[i] << "\n";
        }
        out << family << "_bucket{" << labels << ",le=\"+Inf\"} " << number(series.count) << "\n"
            << family << "_sum{" << labels << "} " << number(series.sum) << "\n"
            << family << "_count{" << labels << "} " << number(series.count) << "\n";
      }
    }
  }
}

}  // namespace mvne::metrics
