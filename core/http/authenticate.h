// Who is calling a principal-scoped route. Tenants present an API key as
// `Authorization: Bearer <token>`; consumers a login session, as a bearer token (the app)
// or the session cookie (a browser; changes then need the CSRF token).
#pragma once

#include <string>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/http/plugin_dispatch.h"
#include "core/platform/services.h"

namespace mvne::http {

// The principal for `request` on a route of `access` served by `plugin`. Fails with
// kInvalidArgument (401) when unauthenticated and kNotFound (404) when the plugin is not
// enabled for the principal's tenant, kFailedPrecondition (403) for a cookie-borne change
// without its CSRF token or from another site. The message never contains the credential.
StatusOr<auth::Principal> authenticate(const IncomingRequest& request, int32_t access,
                                       const std::string& plugin, platform::Services* services);

// The tenant of the request's API key, whatever the route: kInvalidArgument (401) when it
// is missing or refused, kUnavailable or kInternal (503) when keys cannot be read.
StatusOr<auth::Principal> authenticate_tenant(const IncomingRequest& request,
                                              platform::Services* services);

// 401 with `WWW-Authenticate: Bearer`: the answer to a tenant route without a valid key.
Reply api_key_required(const std::string& request_id);

}  // namespace mvne::http
