// Request bodies are read only once a request's route is matched and its caller
// authenticated, within the route's size limit and a time limit: what an unauthenticated or
// unrouted client sends is never held in memory. This is the policy; the server
// (http_server.h) reads a body by it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/config/settings.h"

namespace mvne::http {

struct BodyPolicy {
  size_t limit = 0;                      // bytes
  std::chrono::milliseconds timeout{0};  // for the whole body
};

// The policy for a route: [http] body_limits for the longest prefix of `route_prefix`
// listed there, else max_body_bytes; body_timeout_ms.
BodyPolicy body_policy(const config::HttpSettings& settings, std::string_view route_prefix);

// Whether the method carries a body that needs framing (Content-Length or chunked).
bool method_has_body(const std::string& method);

}  // namespace mvne::http
