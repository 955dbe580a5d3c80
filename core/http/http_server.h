// The HTTP/1.1 server under the front end: Boost.Asio sockets on a few I/O threads, requests
// parsed by Boost.Beast, each request answered on a worker thread (worker_pool.h).
//
// A connection holds no thread while it is idle or while its request waits, so idle
// keep-alive clients never keep a new one waiting. The I/O threads never block: they read a
// request's headers, hand the request to a worker, and write the reply whenever it is ready
// (from any thread, after its audit commit say). What the host cannot take is answered at
// once, never closed unanswered: past [http] max_connections a new connection gets 503 with
// Retry-After, and past max_queued waiting requests a request gets 503 with Retry-After.
//
// A request's body is read only when its handler asks (after routing and authentication),
// within the handler's limits. A connection whose request body was not read is closed after
// the reply, gracefully: its write side is shut and what the client still sends is
// discarded for a bounded time and size, so the close does not reset the reply away.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/http/reply.h"
#include "core/http/request_body.h"

namespace mvne::http {

// One request on one connection, as its handler sees it.
class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual const std::string& method() const = 0;
  virtual const std::string& target() const = 0;  // as sent: path and query, not decoded
  // The header fields in the order sent (names as sent).
  virtual const std::vector<std::pair<std::string, std::string>>& fields() const = 0;
  virtual const std::string& peer_address() const = 0;
  virtual bool chunked() const = 0;
  virtual std::optional<uint64_t> content_length() const = 0;

  // Reads the body into `body`, blocking the calling worker until it is whole or refused.
  // Returns the reply that refuses it instead: 411 (a method with a body but neither
  // Content-Length nor chunked), 413 (over policy.limit, told by Content-Length before any
  // byte is read), 408 (not whole within policy.timeout) or 400 (malformed or cut short).
  virtual std::optional<Reply> read_body(const BodyPolicy& policy, const std::string& request_id,
                                         std::string& body) = 0;

  // Sends `reply` (once, from any thread). `keep_alive` false closes the connection after it;
  // so does an unread body. HEAD gets the headers only.
  virtual void respond(const Reply& reply, bool keep_alive) = 0;
};

class Connection;

// The status line, the headers and (unless `head`) the body of `reply` as sent. A header
// whose name or value holds CR or LF is left out: it could forge further headers.
std::string wire_bytes(const Reply& reply, bool head, bool keep_alive);

struct ServerLimits {
  int io_threads = 2;
  int max_connections = 10000;
  int min_threads = 4;
  int max_threads = 64;
  int max_queued = 1024;
  std::chrono::seconds keep_alive_timeout{15};
  int max_keep_alive_requests = 1000;
  std::chrono::seconds read_timeout{30};  // for a reply to be written to a client
};

class HttpServer {
 public:
  // `handler` runs on a worker thread, once per request, and must call respond() exactly
  // once (it may hand the exchange to another thread to do so).
  using Handler = std::function<void(std::shared_ptr<Exchange>)>;
  HttpServer(const ServerLimits& limits, Handler handler);
  ~HttpServer();  // stop()

  // Binds (SO_REUSEADDR, never SO_REUSEPORT) and listens; fails naming the address.
  Status listen(const std::string& address, uint16_t port);
  uint16_t port() const;
  void start();
  // Closes the listener and every connection, stops the workers and joins every thread.
  void stop();

  int queued_requests() const;  // waiting for a worker
  int open_connections() const { return open_.load(); }
  uint64_t shed_total() const { return shed_.load(); }  // requests and connections answered 503

 private:
  class Impl;
  friend class Connection;  // http_server.cpp's, one per open connection
  std::atomic<int> open_{0};
  std::atomic<uint64_t> shed_{0};
  std::unique_ptr<Impl> impl_;  // last: its threads use the counters until it is gone
};

}  // namespace mvne::http
