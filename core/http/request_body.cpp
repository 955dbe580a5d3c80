#include "core/http/request_body.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>

namespace mvne::http {
namespace {

constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = size_t{1} << 20;

Poco::Net::StreamSocket* socket_of(Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  return impl == nullptr ? nullptr : &impl->socket();
}

Poco::Timespan timespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(std::max<int64_t>(ms.count(), 1) * 1000);
}

}  // namespace

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

std::optional<Reply> read_body(Poco::Net::HTTPServerRequest& request, const BodyPolicy& policy,
                               const std::string& request_id, std::string& body) {
  const bool chunked = request.getChunkedTransferEncoding();
  const bool sized = request.hasContentLength();
  if (!chunked && !sized) {
    if (method_has_body(request.getMethod())) {
      return Reply::error(
          411, "length_required",
          "a " + request.getMethod() + " needs Content-Length or Transfer-Encoding: chunked",
          request_id);
    }
    return std::nullopt;  // GET, HEAD, DELETE without framing: no body
  }
  auto too_large = [&] {
    return Reply::error(
        413, "too_large",
        "the request body exceeds this route's limit of " + std::to_string(policy.limit) + " bytes",
        request_id);
  };
  const int64_t declared = sized ? request.getContentLength64() : -1;
  if (declared > static_cast<int64_t>(policy.limit)) return too_large();
  if (declared == 0) return std::nullopt;

  Poco::Net::StreamSocket* socket = socket_of(request);
  const auto deadline = std::chrono::steady_clock::now() + policy.timeout;
  std::istream& in = request.stream();
  char buf[16384];
  bool timed_out = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (socket != nullptr) socket->setReceiveTimeout(timespan(left));
    in.read(buf, sizeof buf);
    auto got = static_cast<size_t>(in.gcount());
    if (body.size() + got > policy.limit) {
      if (socket != nullptr) socket->setReceiveTimeout(timespan(policy.read_timeout));
      return too_large();
    }
    body.append(buf, got);
    if (!in) break;
  }
  if (socket != nullptr) socket->setReceiveTimeout(timespan(policy.read_timeout));
  if (timed_out || (in.bad() && std::chrono::steady_clock::now() >= deadline)) {
    return Reply::error(
        408, "request_timeout",
        "the request body did not arrive within " + std::to_string(policy.timeout.count()) + " ms",
        request_id);
  }
  if (in.bad() || (declared > 0 && static_cast<int64_t>(body.size()) != declared)) {
    return Reply::error(400, "bad_request", "the request body ended early", request_id);
  }
  return std::nullopt;
}

bool may_have_unread_body(const Poco::Net::HTTPServerRequest& request) {
  if (request.getChunkedTransferEncoding()) return true;
  if (request.hasContentLength()) return request.getContentLength64() > 0;
  // Without framing, POCO reads any method but GET, HEAD and DELETE to the end of stream.
  const std::string& m = request.getMethod();
  return m != "GET" && m != "HEAD" && m != "DELETE";
}

void linger_after_reply(Poco::Net::HTTPServerRequest& request) {
  Poco::Net::StreamSocket* socket = socket_of(request);
  if (socket == nullptr) return;
  try {
    socket->shutdownSend();
    const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    char buf[16384];
    size_t discarded = 0;
    while (discarded < kLingerBytes) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !socket->poll(timespan(left), Poco::Net::Socket::SELECT_READ)) {
        break;
      }
      int n = socket->receiveBytes(buf, sizeof buf);
      if (n <= 0) break;  // the client closed: nothing left to reset
      discarded += static_cast<size_t>(n);
    }
  } catch (const Poco::Exception&) {
    // The client is gone; the reply was sent.
  }
}

}  // namespace mvne::http
