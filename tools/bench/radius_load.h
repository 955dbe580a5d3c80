// The RADIUS load generator the benchmarks share: sessions of Start, 3 Interim-Updates and Stop
// on the lines of a seeded world, `window` sessions in flight, each session's requests sent in
// order to one of the given ports (sessions spread over them), a request retransmitted after
// 2 s without an answer; bounded by count and time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tenancy/directory.h"

namespace mvne::bench {

constexpr int kRadiusTenants = 10;
constexpr int kRadiusLinesPerTenant = 100;
constexpr int kEventsPerSession = 5;  // Start, 3 x Interim-Update, Stop

// Tenants PREFIX0..PREFIX9 with `plugins` enabled, each with 100 lines the load uses.
void seed_radius_world(tenancy::Directory& dir, const std::string& prefix,
                       const std::vector<std::string>& plugins);

struct Load {
  double seconds = 0;
  size_t sent = 0, answered = 0, retransmits = 0;
  std::vector<double> latency_ms;
};

// `requests` requests of sessions numbered from `first_session`; session s goes to
// ports[s % ports.size()] on 127.0.0.1 (secret testing123).
Load run_load(const std::vector<uint16_t>& ports, size_t requests, int window, int first_session);

// Prints requests/s answered, the rows stored (when >= 0) and latency percentiles.
void report_load(const std::string& name, int window, const Load& load, int64_t stored);

}  // namespace mvne::bench
