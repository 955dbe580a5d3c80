#include "core/http/consumer_session.h"

#include "core/auth/tokens.h"

namespace mvne::http {
namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(const std::string& cookies, const std::string& name) {
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string item = cookies.substr(pos, end - pos);
    size_t first = item.find_first_not_of(' ');
    if (first != std::string::npos) item = item.substr(first);
    if (item.size() > name.size() && item.compare(0, name.size(), name) == 0 &&
        item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace

std::string session_cookie_name(bool secure) {
  return secure ? "__Host-mvne_session" : "mvne_session";
}

bool is_safe_method(const std::string& method) { return method == "GET" || method == "HEAD"; }

PresentedSession presented_session(const IncomingRequest& request) {
  const std::string bearer = "Bearer ";
  std::string authorization = request.header("authorization");
  if (authorization.rfind(bearer, 0) == 0) return {authorization.substr(bearer.size()), false};
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
