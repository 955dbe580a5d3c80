#include "core/http/reply.h"

#include <Poco/String.h>

#include <nlohmann/json.hpp>

namespace mvne::http {

Reply Reply::error(int status, const std::string& code, const std::string& message,
                   const std::string& request_id) {
  nlohmann::json body = {
      {"error", {{"code", code}, {"message", message}, {"request_id", request_id}}}};
  Reply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ensure_retry_after(reply);
  return reply;
}

void ensure_retry_after(Reply& reply) {
  if (reply.status != 503) return;
  for (const auto& [name, value] : reply.headers) {
    if (Poco::icompare(name, "retry-after") == 0) return;
  }
  reply.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
}

}  // namespace mvne::http
