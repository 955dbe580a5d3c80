#include "core/http/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <future>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/http/request_head.h"
#include "core/http/request_id.h"
#include "core/http/worker_pool.h"

namespace mvne::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = size_t{1} << 20;
constexpr auto kStopWait = std::chrono::seconds(10);

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

Reply over_capacity(const char* what) {
  return Reply::error(503, "unavailable",
                      std::string("the host is over capacity (") + what + "); retry later",
                      next_request_id());
}

}  // namespace

std::string wire_bytes(const Reply& reply, bool head, bool keep_alive) {
  std::string out;
  out.reserve(192 + reply.headers.size() * 48 + (head ? 0 : reply.body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(reply.status));
  out.append(reason.data(), reason.size());
  if (!has_line_break(reply.content_type)) {
    out += "\r\nContent-Type: ";
    out += reply.content_type;
  }
  for (const auto& [name, value] : reply.headers) {
    if (has_line_break(name) || has_line_break(value)) continue;
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  out += "\r\nContent-Length: ";
  out += std::to_string(reply.body.size());
  if (!keep_alive) out += "\r\nConnection: Close";
  out += "\r\n\r\n";
  if (!head) out += reply.body;
  return out;
}

class Connection;

class HttpServer::Impl {
 public:
  Impl(HttpServer* owner, const ServerLimits& limits, Handler handler)
      : owner_(owner),
        limits_(limits),
        handler_(std::move(handler)),
        pool_(limits.min_threads, limits.max_threads, limits.max_queued) {}

  Status listen(const std::string& address, uint16_t port) {
    std::string where = address + ":" + std::to_string(port);
    beast::error_code ec;
    auto ip = asio::ip::make_address(address, ec);
    if (ec) return Status::Invalid("http.listen: '" + address + "' is not an IP address");
    tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(1024, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      return Status::Unavailable("http.listen: cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return Status::Ok();
  }

  void start() {
    accept();
    for (int i = 0; i < std::max(1, limits_.io_threads); ++i) {
      io_threads_.emplace_back([this] { io_.run(); });
    }
  }

  void stop();

  // Called by connections.
  void dispatch(const std::shared_ptr<Connection>& connection);
  void opened(Connection* c, const std::shared_ptr<Connection>& shared) {
    std::lock_guard lock(mu_);
    live_[c] = shared;
  }
  void closed(Connection* c) {
    owner_->open_.fetch_sub(1);
    std::lock_guard lock(mu_);
    live_.erase(c);
  }
  const ServerLimits& limits() const { return limits_; }
  bool stopping() const { return stopping_.load(); }
  void count_shed() { owner_->shed_.fetch_add(1); }

  uint16_t port() const { return port_; }
  int queued() const { return pool_.queued(); }

 private:
  void accept();

  HttpServer* owner_;
  ServerLimits limits_;
  Handler handler_;
  WorkerPool pool_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;  // guarded by mu_
  // After the registry: connections still held by handlers die with the context.
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  tcp::acceptor acceptor_{io_};
  std::vector<std::thread> io_threads_;
  friend class Connection;
};

// One connection: reads a request's headers, hands it to a worker, writes its reply, and so
// on until either side closes. At most one operation is outstanding at a time, and every
// operation on the socket runs on an I/O thread.
class Connection : public Exchange, public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Connection() override { server_->closed(this); }

  void start() { read_header(); }

  // Answers 503 without reading anything, then closes: past max_connections.
  void shed() {
    server_->count_shed();
    write(wire_bytes(over_capacity("connections"), false, false), false);
  }

  // close_now() on the connection's strand.
  void close_soon() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }

  void close_now() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  const std::string& method() const override { return method_; }
  const std::string& target() const override { return target_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const override {
    return fields_;
  }
  const std::string& peer_address() const override { return peer_; }
  bool chunked() const override { return chunked_; }
  std::optional<uint64_t> content_length() const override { return length_; }

  std::optional<Reply> read_body(const BodyPolicy& policy, const std::string& request_id,
                                 std::string& body) override;

  void respond(const Reply& reply, bool keep_alive) override {
    bool keep = keep_alive && wants_keep_alive_ && !(body_expected_ && !body_read_) &&
                ++served_ < server_->limits().max_keep_alive_requests && !server_->stopping();
    auto bytes = std::make_shared<std::string>(wire_bytes(reply, method_ == "HEAD", keep));
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), bytes, keep] { self->write(std::move(*bytes), keep); });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The route's limit applies once the body is read (read_body); a large Content-Length
    // alone must not fail the headers.
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    stream_.expires_after(server_->limits().keep_alive_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == asio::error::operation_aborted || server_->stopping()) return close_now();
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return close_now();
    }
    // An idle keep-alive connection, or headers that never came whole: the stream's
    // time-out has closed the socket already.
    if (ec == beast::error::timeout) return close_now();
    if (ec == bhttp::error::header_limit) {
      return refuse(431, "headers_too_large",
                    "the request headers exceed " + std::to_string(kHeaderLimit) + " bytes");
    }
    if (ec) return refuse(400, "bad_request", "malformed request: " + ec.message());
    stream_.expires_never();
    const auto& req = parser_->get();
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    fields_.clear();
    for (const auto& f : req) fields_.emplace_back(f.name_string(), f.value());
    chunked_ = parser_->chunked();
    auto length = parser_->content_length();
    length_ = length ? std::optional<uint64_t>(*length) : std::nullopt;
    body_expected_ = chunked_ || (length_ && *length_ > 0);
    body_read_ = false;
    expect_continue_ = beast::iequals(req[bhttp::field::expect], "100-continue");
    wants_keep_alive_ = req.keep_alive();
    server_->dispatch(shared_from_this());
  }

  // Answers a request that could not be read, then closes.
  void refuse(int status, const std::string& code, const std::string& message) {
    write(wire_bytes(Reply::error(status, code, message, next_request_id()), false, false), false);
  }

  void write(std::string bytes, bool keep_alive) {
    out_ = std::move(bytes);
    stream_.expires_after(server_->limits().read_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->out_.clear();
                        if (ec) return self->close_now();
                        if (keep_alive) return self->read_header();
                        self->linger_close();
                      });
  }

  // Shuts the write side and discards what the client still sends, for a bounded time and
  // size, before closing: a close with unread bytes would reset the reply away.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close_now();
    stream_.expires_after(kLingerTime);
    discard();
  }

  void discard() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16384),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ >= kLingerBytes) return self->close_now();
                              self->discard();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  HttpServer::Impl* server_;
  std::string peer_, method_, target_;
  std::vector<std::pair<std::string, std::string>> fields_;
  bool chunked_ = false;
  std::optional<uint64_t> length_;
  bool body_expected_ = false;
  bool body_read_ = false;
  bool expect_continue_ = false;
  bool wants_keep_alive_ = true;
  int served_ = 0;
  size_t discarded_ = 0;
  std::string out_;
};

std::optional<Reply> Connection::read_body(const BodyPolicy& policy, const std::string& request_id,
                                           std::string& body) {
  if (!chunked_ && !length_) {
    if (method_has_body(method_)) {
      return Reply::error(411, "length_required",
                          "a " + method_ + " needs Content-Length or Transfer-Encoding: chunked",
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
  if (length_ && *length_ > policy.limit) return too_large();
  if (!body_expected_) {
    body_read_ = true;
    return std::nullopt;
  }
  std::promise<beast::error_code> done;
  // Not the stream's own time-out, which would close the socket before the 408 is sent: a
  // timer that cancels the read.
  auto timed_out = std::make_shared<std::atomic<bool>>(false);
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [this, self, &policy, &done, timed_out] {
    body_parser_.emplace(std::move(*parser_));
    body_parser_->body_limit(policy.limit);
    auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor());
    timer->expires_after(policy.timeout);
    timer->async_wait([this, self, timed_out](beast::error_code ec) {
      if (ec) return;  // cancelled: the body came first
      timed_out->store(true);
      beast::error_code ignored;
      stream_.socket().cancel(ignored);
    });
    auto finished = [&done, timer](beast::error_code ec, size_t) {
      timer->cancel();
      done.set_value(ec);
    };
    if (!expect_continue_) return bhttp::async_read(stream_, buffer_, *body_parser_, finished);
    // The client waits for this before it sends the body.
    out_ = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(out_),
                      [this, self, finished](beast::error_code ec, size_t n) {
                        if (ec) return finished(ec, n);
                        bhttp::async_read(stream_, buffer_, *body_parser_, finished);
                      });
  });
  beast::error_code ec = done.get_future().get();
  if (ec && timed_out->load()) {
    return Reply::error(
        408, "request_timeout",
        "the request body did not arrive within " + std::to_string(policy.timeout.count()) + " ms",
        request_id);
  }
  if (ec == bhttp::error::body_limit) return too_large();
  if (ec) {
    return Reply::error(400, "bad_request",
                        ec == bhttp::error::partial_message || ec == asio::error::eof
                            ? "the request body ended early"
                            : "malformed request body: " + ec.message(),
                        request_id);
  }
  body = std::move(body_parser_->get().body());
  body_parser_.reset();
  body_read_ = true;
  return std::nullopt;
}

void HttpServer::Impl::accept() {
  // Each connection on a strand of its own: its handlers never run at once, on any thread.
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping_) return;
    if (!ec) {
      auto connection = std::make_shared<Connection>(std::move(socket), this);
      opened(connection.get(), connection);
      if (owner_->open_.fetch_add(1) >= limits_.max_connections) {
        connection->shed();
      } else {
        connection->start();
      }
    }
    accept();  // a failed accept (out of descriptors, say) does not stop the listener
  });
}

void HttpServer::Impl::dispatch(const std::shared_ptr<Connection>& connection) {
  if (pool_.submit([this, connection] { handler_(connection); })) return;
  count_shed();
  connection->respond(over_capacity("requests waiting"), true);
}

void HttpServer::Impl::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu_);
    for (auto& [c, weak] : live_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }  // unlocked before the last reference may go: ~Connection takes mu_
  for (auto& connection : open) connection->close_soon();
  open.clear();
  pool_.stop();  // workers reading a body are released by the closes above
  // A connection must not outlive the context its socket belongs to: wait (boundedly) until
  // every one is gone, a reply still waiting for its audit commit included.
  auto deadline = std::chrono::steady_clock::now() + kStopWait;
  while (owner_->open_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  work_.reset();
  io_.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
}

HttpServer::HttpServer(const ServerLimits& limits, Handler handler)
    : impl_(std::make_unique<Impl>(this, limits, std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::listen(const std::string& address, uint16_t port) {
  return impl_->listen(address, port);
}

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::start() { impl_->start(); }

void HttpServer::stop() {
  if (impl_) impl_->stop();
}

int HttpServer::queued_requests() const { return impl_->queued(); }

}  // namespace mvne::http
