// Request bodies, read only once a request's route is matched and its caller authenticated,
// within the route's size limit and a time limit: what an unauthenticated or unrouted client
// sends is never held in memory.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/settings.h"
#include "core/http/reply.h"

namespace mvne::http {

struct BodyPolicy {
  size_t limit = 0;                               // bytes
  std::chrono::milliseconds timeout{0};           // for the whole body
  std::chrono::milliseconds read_timeout{30000};  // the connection's usual time-out, restored
};

// The policy for a route: [http] body_limits for the longest prefix of `route_prefix`
// listed there, else max_body_bytes; body_timeout_ms.
BodyPolicy body_policy(const config::HttpSettings& settings, std::string_view route_prefix);

// Whether the method carries a body that needs framing (Content-Length or chunked).
bool method_has_body(const std::string& method);

// Reads the body into `body`. Returns the reply that refuses it instead: 411 (a method
// with a body but neither Content-Length nor chunked encoding), 413 (over the limit, told
// by Content-Length before any byte is read), 408 (not whole within the time-out) or 400
// (the body ended early).
std::optional<Reply> read_body(Poco::Net::HTTPServerRequest& request, const BodyPolicy& policy,
                               const std::string& request_id, std::string& body);

// Whether body bytes may follow the headers that were not read: then the connection cannot
// carry another request and is closed after the reply.
bool may_have_unread_body(const Poco::Net::HTTPServerRequest& request);

// Closes gracefully after a reply sent without reading the whole request: the write side is
// shut (the client sees the reply, then end of stream) and what the client still sends is
// discarded for a bounded time and size, so the close does not turn into a reset that
// destroys the reply in the client's buffers.
void linger_after_reply(Poco::Net::HTTPServerRequest& request);

}  // namespace mvne::http
