// What the front end sends back for one request, before it is written to the socket.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mvne::http {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // {"error":{"code":...,"message":...,"request_id":...}}
  static Reply error(int status, const std::string& code, const std::string& message,
                     const std::string& request_id);
};

}  // namespace mvne::http
