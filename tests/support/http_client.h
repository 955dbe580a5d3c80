// Minimal HTTP calls for tests (POCO client), against 127.0.0.1 only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace mvne::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// GET http://127.0.0.1:port/target; throws on connection failure or time-out.
HttpResult http_get(uint16_t port, const std::string& target,
                    const std::map<std::string, std::string>& headers = {}, int timeout_s = 30);

// Any method, with a body (Content-Type application/json unless `headers` set one).
HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::map<std::string, std::string>& headers = {}, int timeout_s = 30);

// POST http://127.0.0.1:port/target with `body`.
HttpResult http_post(uint16_t port, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers = {}, int timeout_s = 30);

// Sends `request` as raw bytes (what a normal client would not send: odd methods, duplicate
// headers, a declared body never sent) and reads one reply; throws on a reset, a close
// before the reply, or no reply within `timeout_s` (a hang).
HttpResult raw_http(uint16_t port, const std::string& request, int timeout_s = 10);

}  // namespace mvne::testing
