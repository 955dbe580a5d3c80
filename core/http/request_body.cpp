#include "core/http/request_body.h"

namespace mvne::http {

BodyPolicy body_policy(const config::HttpSettings& settings, std::string_view route_prefix) {
  BodyPolicy policy;
  policy.limit = static_cast<size_t>(settings.max_body_bytes);
  size_t matched = 0;
  for (const auto& [prefix, limit] : settings.body_limits) {
    if (route_prefix.substr(0, prefix.size()) == prefix && prefix.size() >= matched) {
      matched = prefix.size();
      policy.limit = static_cast<size_t>(limit);
    }
  }
  policy.timeout = std::chrono::milliseconds(settings.body_timeout_ms);
  return policy;
}

bool method_has_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace mvne::http
