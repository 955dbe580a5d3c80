// The last steps of every answer the host itself gives a principal (consumer endpoints, host
// tenant endpoints), the same as for a plugin's: the egress guard with the principal, the
// audit row, and headers that keep shared caches from storing it.
#pragma once

#include <string>

#include "core/auth/principal.h"
#include "core/http/plugin_dispatch.h"
#include "core/http/reply.h"
#include "core/platform/services.h"

namespace mvne::http {

// `reply` checked for `principal`, carrying its audit row (action "http_response", `rows`
// delivered; the front end sends it once the row is committed), or the reply that withholds
// it: 500 egress_blocked, or 503 when it could not be checked.
Reply deliver(const IncomingRequest& request, platform::Services* services,
              const auth::Principal& principal, Reply reply, int64_t rows = 1);

}  // namespace mvne::http
