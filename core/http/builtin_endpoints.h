// The host's own endpoints: /healthz (the process answers), /readyz (every enabled plugin
// is running, the database answers and the host is not draining), /metrics (Prometheus
// text) and /openapi.json (every route described). They answer GET and HEAD.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/http/readiness_probe.h"
#include "core/http/reply.h"
#include "core/mail/mail_service.h"
#include "core/relay/hold_service.h"
#include "core/metrics/metrics.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::http {

// What the built-in endpoints report about the front end itself.
struct FrontEndState {
  bool draining = false;
  int in_flight = 0;                    // requests being served, this one included
  uint64_t shed = 0;                    // answered 503 for want of room (connections, queue)
  ReadinessProbe* readiness = nullptr;  // null: no storage to check
  const mail::MailService* mail = nullptr;  // its counters, when there is storage
  relay::HoldService* relay = nullptr;      // held mail by outcome, when there is storage
};

// Whether `path` is a built-in endpoint.
bool is_builtin_path(std::string_view path);

// The reply for a built-in path, or nullopt when `path` is not one.
std::optional<Reply> builtin_endpoint(std::string_view path, const plugin::PluginManager& plugins,
                                      const metrics::Metrics& metrics, FrontEndState state);

}  // namespace mvne::http
