#include "core/http/consumer_session.h"

#include "core/auth/tokens.h"
#include "core/http/request_credentials.h"

namespace mvne::http {

std::string session_cookie_name(bool secure) {
  return secure ? "__Host-mvne_session" : "mvne_session";
}

bool is_safe_method(const std::string& method) { return method == "GET" || method == "HEAD"; }

PresentedSession presented_session(const IncomingRequest& request) {
  std::string bearer = bearer_token(request.header("authorization"));
  if (!bearer.empty()) return {bearer, false};
  // On a secure request only the __Host- cookie counts: a plain one could have been set by a
  // sibling host or over plain HTTP.
  std::string token = cookie_value(request.header("cookie"), session_cookie_name(request.secure));
  return {token, !token.empty()};
}

Status check_same_site(const IncomingRequest& request) {
  std::string site = request.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") {
    return Status::Precondition("a request from another site (Sec-Fetch-Site: " + site +
                                ") is refused");
  }
  return Status::Ok();
}

Status check_cookie_request(const IncomingRequest& request, const std::string& token) {
  if (Status st = check_same_site(request); !st.ok()) return st;
  std::string csrf = request.header("x-csrf-token");
  if (csrf.empty() || !auth::same_secret(csrf, auth::ConsumerSessions::csrf_for(token))) {
    return Status::Precondition("a change made with the session cookie needs its X-CSRF-Token");
  }
  return Status::Ok();
}

StatusOr<auth::ConsumerSessions::Resolved> resolve_consumer(const IncomingRequest& request,
                                                            auth::ConsumerSessions& sessions,
                                                            int64_t now_us) {
  PresentedSession presented = presented_session(request);
  if (presented.token.empty()) return Status::Invalid("no session token or cookie");
  if (presented.from_cookie && !is_safe_method(request.method)) {
    if (Status st = check_cookie_request(request, presented.token); !st.ok()) return st;
  }
  return sessions.authenticate(presented.token, now_us);
}

}  // namespace mvne::http
