#include "core/metrics/metrics.h"

#include <sstream>

#include "core/metrics/exposition.h"

namespace mvne::metrics {
namespace {

// One counter family labelled by plugin and one more label.
void render_plugin_counter(std::ostringstream& out, const char* name, const char* help,
                           const char* second_label,
                           const std::map<std::tuple<std::string, std::string>, uint64_t>& values) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n";
  for (const auto& [key, n] : values) {
    out << name << "{plugin=\"" << label(std::get<0>(key)) << "\"," << second_label << "=\""
        << label(std::get<1>(key)) << "\"} " << n << "\n";
  }
}

}  // namespace

void Metrics::observe_request(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  Histogram& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::count_plugin_error(std::string_view plugin, std::string_view reason) {
  std::lock_guard lock(mu_);
  ++errors_[{std::string(plugin), std::string(reason)}];
}

void Metrics::set_plugin_state(std::string_view plugin, std::string_view state) {
  std::lock_guard lock(mu_);
  plugin_states_[std::string(plugin)] = std::string(state);
}

void Metrics::count_ingest_file(std::string_view plugin, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++ingest_files_[{std::string(plugin), std::string(outcome)}];
}

void Metrics::count_ingest_records(std::string_view plugin, std::string_view outcome, uint64_t n) {
  std::lock_guard lock(mu_);
  ingest_records_[{std::string(plugin), std::string(outcome)}] += n;
}

void Metrics::count_export(std::string_view plugin, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++exports_[{std::string(plugin), std::string(outcome)}];
}

void Metrics::count_datagram(std::string_view plugin, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++datagrams_[{std::string(plugin), std::string(outcome)}];
}

uint64_t Metrics::datagrams(std::string_view plugin, std::string_view outcome) const {
  std::lock_guard lock(mu_);
  auto it = datagrams_.find({std::string(plugin), std::string(outcome)});
  return it == datagrams_.end() ? 0 : it->second;
}

void Metrics::count_login(std::string_view outcome) {
  std::lock_guard lock(mu_);
  auto it = logins_.find(outcome);
  if (it == logins_.end()) it = logins_.emplace(std::string(outcome), 0).first;
  ++it->second;
}

uint64_t Metrics::logins(std::string_view outcome) const {
  std::lock_guard lock(mu_);
  auto it = logins_.find(outcome);
  return it == logins_.end() ? 0 : it->second;
}

uint64_t Metrics::ingest_records(std::string_view plugin, std::string_view outcome) const {
  std::lock_guard lock(mu_);
  auto it = ingest_records_.find({std::string(plugin), std::string(outcome)});
  return it == ingest_records_.end() ? 0 : it->second;
}

uint64_t Metrics::plugin_errors(std::string_view plugin, std::string_view reason) const {
  std::lock_guard lock(mu_);
  auto it = errors_.find({std::string(plugin), std::string(reason)});
  return it == errors_.end() ? 0 : it->second;
}

uint64_t Metrics::requests(std::string_view route, int status) const {
  std::lock_guard lock(mu_);
  auto it = requests_.find({std::string(route), status});
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out << "# HELP mvne_plugin_state Lifecycle state of each configured plugin (1 = current).\n"
      << "# TYPE mvne_plugin_state gauge\n";
  for (const auto& [plugin, current] : plugin_states_) {
    for (const char* state : {"running", "failed", "stopping", "disabled"}) {
      out << "mvne_plugin_state{plugin=\"" << label(plugin) << "\",state=\"" << state << "\"} "
          << (current == state ? 1 : 0) << "\n";
    }
  }
  render_plugin_counter(out, "mvne_plugin_errors_total", "Failed calls into plugins, by reason.",
                        "reason", errors_);
  render_plugin_counter(out, "mvne_ingest_files_total", "Spool files handled, by outcome.",
                        "outcome", ingest_files_);
  render_plugin_counter(out, "mvne_ingest_records_total", "Records and input lines, by outcome.",
                        "outcome", ingest_records_);
  render_plugin_counter(out, "mvne_export_files_total", "Export files, by outcome.", "outcome",
                        exports_);
  render_plugin_counter(out, "mvne_datagrams_total",
                        "Datagrams received, by outcome (handled or the reason dropped).",
                        "outcome", datagrams_);
  out << "# HELP mvne_consumer_logins_total Consumer login attempts, by outcome.\n"
      << "# TYPE mvne_consumer_logins_total counter\n";
  for (const auto& [outcome, n] : logins_) {
    out << "mvne_consumer_logins_total{outcome=\"" << label(outcome) << "\"} " << n << "\n";
  }
  out << "# HELP mvne_http_requests_total HTTP requests answered, by route and status.\n"
      << "# TYPE mvne_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "mvne_http_requests_total{route=\"" << label(std::get<0>(key)) << "\",status=\""
        << std::get<1>(key) << "\"} " << n << "\n";
  }
  out << "# HELP mvne_http_request_errors_total HTTP requests answered with a 5xx status.\n"
      << "# TYPE mvne_http_request_errors_total counter\n";
  std::map<std::string, uint64_t> server_errors;
  for (const auto& [key, n] : requests_) {
    if (std::get<1>(key) >= 500) server_errors[std::get<0>(key)] += n;
  }
  for (const auto& [route, n] : server_errors) {
    out << "mvne_http_request_errors_total{route=\"" << label(route) << "\"} " << n << "\n";
  }
  out << "# HELP mvne_http_request_duration_seconds Time to answer an HTTP request.\n"
      << "# TYPE mvne_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string r = label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "mvne_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\""
          << number(kBuckets[i]) << "\"} " << h.counts[i] << "\n";
    }
    out << "mvne_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} "
        << h.count << "\n"
        << "mvne_http_request_duration_seconds_sum{route=\"" << r << "\"} " << number(h.sum) << "\n"
        << "mvne_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
  }
  plugins_.render(out);
  return out.str();
}

}  // namespace mvne::metrics
