// The consumer behind a request: a session token from `Authorization: Bearer` (the app) or
// from the session cookie (a browser). A cookie is sent by the browser on its own, so a
// state-changing request that relies on it must also carry the session's CSRF token in
// X-CSRF-Token and must not come from another site (Sec-Fetch-Site).
#pragma once

#include <string>

#include "core/auth/consumer_sessions.h"
#include "core/common/status.h"
#include "core/http/plugin_dispatch.h"

namespace mvne::http {

// "__Host-mvne_session" on a secure request, else "mvne_session".
std::string session_cookie_name(bool secure);

// The session token the request carries, and how ("" when none).
struct PresentedSession {
  std::string token;
  bool from_cookie = false;
};
PresentedSession presented_session(const IncomingRequest& request);

// kFailedPrecondition (403) when Sec-Fetch-Site says the request came from another site
// (absent, same-origin and none pass: older browsers and direct navigation).
Status check_same_site(const IncomingRequest& request);

// Whether the request may change state with a cookie-borne session: its CSRF token matches
// and Sec-Fetch-Site, when sent, is same-origin or none. kFailedPrecondition (403) when not.
Status check_cookie_request(const IncomingRequest& request, const std::string& token);

// True for GET and HEAD, the methods that change nothing.
bool is_safe_method(const std::string& method);

// Resolves the consumer: kInvalidArgument (401) without a valid session,
// kFailedPrecondition (403) for a cookie-borne change that fails the CSRF checks.
StatusOr<auth::ConsumerSessions::Resolved> resolve_consumer(const IncomingRequest& request,
                                                            auth::ConsumerSessions& sessions,
                                                            int64_t now_us);

}  // namespace mvne::http
