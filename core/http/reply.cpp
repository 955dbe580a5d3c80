#include "core/http/reply.h"

#include <nlohmann/json.hpp>

namespace mvne::http {

Reply Reply::error(int status, const std::string& code, const std::string& message,
                   const std::string& request_id) {
  nlohmann::json body = {
      {"error", {{"code", code}, {"message", message}, {"request_id", request_id}}}};
  Reply reply;
  reply.status = status;
  reply.body = body.dump();
  return reply;
}

}  // namespace mvne::http
