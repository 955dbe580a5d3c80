// The host's own endpoints: /healthz (the process answers), /readyz (every enabled plugin
// is running and the host is not draining) and /metrics (Prometheus text).
#pragma once

#include <optional>
#include <string_view>

#include "core/http/reply.h"
#include "core/metrics/metrics.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::http {

// What the built-in endpoints report about the front end itself.
struct FrontEndState {
  bool draining = false;
  int in_flight = 0;  // requests being served, this one included
};

// The reply for a built-in path, or nullopt when `path` is not one.
std::optional<Reply> builtin_endpoint(std::string_view path, const plugin::PluginManager& plugins,
                                      const metrics::Metrics& metrics, FrontEndState state);

}  // namespace mvne::http
