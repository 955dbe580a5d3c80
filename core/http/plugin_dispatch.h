// Serves an /api/ or /portal/ request with the plugin that registered its route.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/http/incoming_request.h"
#include "core/http/reply.h"
#include "core/plugin/route_table.h"

namespace mvne::platform {
struct Services;
}

namespace mvne::http {

// A principal-scoped reply carries its audit row (reply.audit): the caller sends it only once
// that row is committed.
// `route_label` receives the bounded label for metrics (the route prefix or "unmatched").
// `services` may be null (no storage): then no principal can be authenticated.
// `before_plugin`, when set, runs once the route is matched and the caller authenticated,
// before the plugin is called: the front end reads the body there (into the request it
// passed), or returns the reply that refuses the request.
using BeforePlugin = std::function<std::optional<Reply>(const plugin::Route& route)>;
Reply dispatch_to_plugin(const plugin::RouteTable& routes, const IncomingRequest& request,
                         platform::Services* services, std::string& route_label,
                         const BeforePlugin& before_plugin = {});

}  // namespace mvne::http
