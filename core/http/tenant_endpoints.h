// The host's own routes of the tenant API: what the host, not a plugin, keeps for an MVNO.
//
//   GET /api/v1/bills?month=YYYY-MM[&format=csv]   the month's closed bills of every subscriber
//   GET /api/v1/speed/changes?after=N[&limit=M]    consumers' high-speed switch changes
//
// Authenticated with the tenant's API key like plugin routes; answers pass the egress guard
// and are audited.
#pragma once

#include <string_view>

#include "core/http/plugin_dispatch.h"
#include "core/http/reply.h"
#include "core/platform/services.h"

namespace mvne::http {

// The method `path` answers, or nullptr when it is no host tenant endpoint.
const char* tenant_endpoint_method(std::string_view path);

Reply tenant_endpoint(const IncomingRequest& request, platform::Services* services);

}  // namespace mvne::http
