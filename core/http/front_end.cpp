#include "core/http/front_end.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

#include <ostream>
#include <thread>

#include "core/http/builtin_endpoints.h"
#include "core/http/consumer_endpoints.h"
#include "core/http/relay_links.h"
#include "core/http/plugin_dispatch.h"
#include "core/http/request_body.h"
#include "core/http/request_id.h"
#include "core/http/tenant_endpoints.h"
#include "core/log/log.h"

namespace mvne::http {
namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);

// The methods plugin routes can serve; anything else (OPTIONS, TRACE, ...) gets 405.
constexpr const char* kRouteMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Counts a request in flight for exactly as long as its handler runs, however it leaves.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& gauge) : gauge_(gauge) { gauge_.fetch_add(1); }
  ~InFlight() { gauge_.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& gauge_;
};

bool valid_utf8(std::string_view s) {
  static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};  // no overlong forms
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t cp = c;
    if (c >= 0x80) {
      if ((c >> 5) == 0x6) {
        extra = 1, cp = c & 0x1f;
      } else if ((c >> 4) == 0xe) {
        extra = 2, cp = c & 0x0f;
      } else if ((c >> 3) == 0x1e) {
        extra = 3, cp = c & 0x07;
      } else {
        return false;
      }
      if (i + extra >= s.size()) return false;
      for (size_t k = 1; k <= extra; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc >> 6) != 0x2) return false;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < kSmallest[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    }
    i += extra + 1;
  }
  return true;
}

// The methods some route serves at `path`, as an Allow header value ("" when none).
std::string allowed_methods(const plugin::RouteTable& routes, const std::string& path) {
  std::string allow;
  for (const char* method : kRouteMethods) {
    if (routes.match(method, path) != nullptr)
      allow += (allow.empty() ? "" : ", ") + std::string(method);
  }
  return allow;
}

Reply method_not_allowed(const IncomingRequest& in, const std::string& allow) {
  Reply reply = Reply::error(
      405, "method_not_allowed",
      in.method + " is not served at " + in.path + " (allowed: " + allow + ")", in.request_id);
  reply.headers.emplace_back("Allow", allow);
  return reply;
}

// Whether `methods` ("GET" or "GET, POST") lists `method`.
bool lists_method(std::string_view methods, std::string_view method) {
  while (!methods.empty()) {
    size_t comma = methods.find(", ");
    if (methods.substr(0, comma) == method) return true;
    methods = comma == std::string_view::npos ? std::string_view() : methods.substr(comma + 2);
  }
  return false;
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(FrontEnd* front_end) : front_end_(front_end) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    InFlight counted(front_end_->in_flight());
    auto started = std::chrono::steady_clock::now();
    IncomingRequest in;
    in.request_id = next_request_id();
    in.method = request.getMethod();
    std::string route_label = "invalid";
    bool body_read = false;
    Reply reply;
    try {
      reply = serve(request, in, route_label, body_read);
    } catch (const std::exception& e) {
      reply = failed(in, e.what());
    } catch (...) {
      reply = failed(in, "unknown exception");
    }
    ensure_retry_after(reply);
    reply.headers.emplace_back("X-Request-Id", in.request_id);
    const bool unread_body = !body_read && may_have_unread_body(request);
    try {
      // Waiting connections get a thread sooner when this one does not stay open idle.
      if (front_end_->draining() || unread_body || front_end_->connections_waiting()) {
        response.setKeepAlive(false);
      }
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
      response.setContentType(reply.content_type);
      for (const auto& [name, value] : reply.headers) response.add(name, value);
      response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
      if (!unread_body) {
        response.sendBuffer(reply.body.data(), reply.body.size());  // flushed by POCO later
      } else {
        // Flushed here: the connection is shut right after, before POCO would flush.
        std::ostream& out = response.send();
        if (in.method != "HEAD") out.write(reply.body.data(), std::ssize(reply.body));
        out.flush();
        linger_after_reply(request);
      }
    } catch (const std::exception& e) {
      log::write(log::Level::kWarn, "http", in.request_id,
                 std::string("client went away before the response was sent: ") + e.what());
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    try {
      front_end_->metrics().observe_request(route_label, reply.status, seconds);
      log::write(reply.status >= 500 ? log::Level::kWarn : log::Level::kDebug, "http",
                 in.request_id, in.method + " " + in.path + " -> " + std::to_string(reply.status));
    } catch (...) {
      // Accounting must not take the connection down with it.
    }
  }

 private:
  static Reply failed(const IncomingRequest& in, const std::string& what) {
    try {
      log::write(log::Level::kError, "http", in.request_id, "request failed: " + what);
    } catch (...) {
    }
    return Reply::error(500, "internal", "the host failed to answer this request", in.request_id);
  }

  // The client's address, and whether it reached us over TLS: the peer's, unless the peer is
  // a trusted proxy, whose X-Forwarded-For (last hop) and X-Forwarded-Proto are believed.
  void identify_client(const Poco::Net::HTTPServerRequest& request, IncomingRequest& in) {
    in.client_address = request.clientAddress().host().toString();
    const auto& trusted = front_end_->settings().trusted_proxies;
    if (std::find(trusted.begin(), trusted.end(), in.client_address) == trusted.end()) return;
    std::string forwarded = request.get("X-Forwarded-For", "");
    size_t comma = forwarded.rfind(',');
    std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
    Poco::trimInPlace(last);
    if (!last.empty()) in.client_address = last;
    in.secure = Poco::icompare(request.get("X-Forwarded-Proto", ""), "https") == 0;
  }

  // The body of a request to one of the host's own endpoints, within `limit` bytes; a
  // refusal (413, 408) when it does not come as it should.
  std::optional<Reply> read_host_body(Poco::Net::HTTPServerRequest& request, IncomingRequest& in,
                                      int limit, bool& body_read) {
    BodyPolicy policy{static_cast<size_t>(limit),
                      std::chrono::milliseconds(front_end_->settings().body_timeout_ms),
                      kReadTimeout};
    if (auto refused = read_body(request, policy, in.request_id, in.body)) return refused;
    body_read = true;
    return std::nullopt;
  }

  Reply serve(Poco::Net::HTTPServerRequest& request, IncomingRequest& in, std::string& route_label,
              bool& body_read) {
    try {
      Poco::URI uri(request.getURI());
      in.path = uri.getPath();
      in.query = uri.getRawQuery();
    } catch (const Poco::Exception&) {
      return Reply::error(400, "bad_request", "malformed request URI", in.request_id);
    }
    if (!valid_utf8(in.path)) {
      in.path = "(not UTF-8)";
      return Reply::error(400, "bad_request", "the request path is not valid UTF-8", in.request_id);
    }
    if (front_end_->draining()) {
      route_label = "draining";
      return Reply::error(503, "unavailable", "the host is shutting down", in.request_id);
    }
    size_t authorizations = 0;
    for (const auto& [name, value] : request) {
      authorizations += Poco::icompare(name, "authorization") == 0;
    }
    if (authorizations > 1) {
      return Reply::error(400, "bad_request", "more than one Authorization header", in.request_id);
    }
    if (is_builtin_path(in.path)) {
      route_label = in.path;
      if (in.method != "GET" && in.method != "HEAD") return method_not_allowed(in, "GET, HEAD");
      return *builtin_endpoint(in.path, front_end_->plugins(), front_end_->metrics(),
                               {front_end_->draining(), front_end_->in_flight().load(),
                                front_end_->shed_connections(), front_end_->readiness(),
                                front_end_->services() != nullptr
                                    ? front_end_->services()->mail.get()
                                    : nullptr,
                                front_end_->services() != nullptr
                                    ? front_end_->services()->relay.get()
                                    : nullptr});
    }
    identify_client(request, in);
    for (const auto& [name, value] : request) in.headers.emplace(lower(name), value);
    if (const char* method = tenant_endpoint_method(in.path)) {
      route_label = in.path;
      if (in.method != method) return method_not_allowed(in, method);
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no route for " + in.path, in.request_id);
      }
      return tenant_endpoint(in, front_end_->services());
    }
    if (const char* methods = consumer_endpoint_method(in.path)) {
      route_label = in.path;
      if (!lists_method(methods, in.method)) return method_not_allowed(in, methods);
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no consumer accounts on this host", in.request_id);
      }
      if (auto refused = read_host_body(request, in, kConsumerBodyLimit, body_read)) return *refused;
      return consumer_endpoint(
          in, {front_end_->services(), &front_end_->metrics(), &front_end_->portal()});
    }
    if (is_relay_link_path(in.path)) {
      route_label = "/relay/v1/held";
      if (in.method != "GET" && in.method != "POST") return method_not_allowed(in, "GET, POST");
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no relay on this host", in.request_id);
      }
      if (auto refused = read_host_body(request, in, kRelayLinkBodyLimit, body_read)) return *refused;
      return relay_link(in, front_end_->services()->relay.get());
    }
    route_label = "unmatched";
    if (in.path.rfind("/api/", 0) != 0 && in.path.rfind("/portal/", 0) != 0) {
      return Reply::error(404, "not_found", "no route for " + in.path, in.request_id);
    }
    auto routes = front_end_->plugins().routes();
    bool routable = false;
    for (const char* method : kRouteMethods) routable = routable || in.method == method;
    if (!routable || routes->match(in.method, in.path) == nullptr) {
      std::string allow = allowed_methods(*routes, in.path);
      if (allow.empty()) {
        return Reply::error(404, "not_found", "no route for " + in.method + " " + in.path,
                            in.request_id);
      }
      return method_not_allowed(in, allow);
    }
    if (method_has_body(in.method) && !request.hasContentLength() &&
        !request.getChunkedTransferEncoding()) {
      return Reply::error(411, "length_required",
                          "a " + in.method + " needs Content-Length or Transfer-Encoding: chunked",
                          in.request_id);
    }
    // The body is read only here: after the route matched and the caller was authenticated.
    auto read = [&](const plugin::Route& route) -> std::optional<Reply> {
      BodyPolicy policy = body_policy(front_end_->settings(), route.registration.prefix);
      policy.read_timeout = kReadTimeout;
      auto refused = read_body(request, policy, in.request_id, in.body);
      body_read = !refused.has_value();
      return refused;
    };
    return dispatch_to_plugin(*routes, in, front_end_->services(), route_label, read);
  }

  FrontEnd* front_end_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(FrontEnd* front_end) : front_end_(front_end) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(front_end_);
  }

 private:
  FrontEnd* front_end_;
};

// Runs on the accepting thread: a connection that would find the queue full is answered
// 503 by the shedder instead of being closed unanswered by POCO.
class ShedWhenQueueFull : public Poco::Net::TCPServerConnectionFilter {
 public:
  ShedWhenQueueFull(FrontEnd* front_end, ConnectionShedder* shedder, int max_queued)
      : front_end_(front_end), shedder_(shedder), max_queued_(max_queued) {}
  bool accept(const Poco::Net::StreamSocket& socket) override {
    // Connections also queue for a moment while a thread starts: only when every thread is
    // taken does the queue count against max_queued (POCO's own bound is set above it).
    int queued = front_end_->queued_connections();
    if (queued < max_queued_ || (!front_end_->all_threads_started() && queued < max_queued_ * 2)) {
      return true;
    }
    shedder_->shed(socket);
    return false;
  }

 private:
  FrontEnd* front_end_;
  ConnectionShedder* shedder_;
  int max_queued_;
};

}  // namespace

FrontEnd::FrontEnd(const config::HttpSettings& settings, plugin::PluginManager* plugins,
                   metrics::Metrics* metrics, platform::Services* services,
                   const config::PortalSettings& portal)
    : settings_(settings),
      portal_(portal),
      plugins_(plugins),
      metrics_(metrics),
      services_(services),
      readiness_(std::make_unique<ReadinessProbe>(services ? services->db : nullptr)) {}

FrontEnd::~FrontEnd() { stop(); }

int FrontEnd::queued_connections() const { return server_ ? server_->queuedConnections() : 0; }

bool FrontEnd::all_threads_started() const {
  return server_ && server_->currentThreads() >= settings_.max_threads;
}

bool FrontEnd::connections_waiting() const {
  return all_threads_started() && server_->queuedConnections() > 0;
}

Status FrontEnd::start() {
  std::string where = settings_.address + ":" + std::to_string(settings_.port);
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(settings_.address, settings_.port),
                /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(1024);
  } catch (const Poco::Exception& e) {
    return Status::Unavailable("http.listen: cannot listen on " + where + ": " + e.displayText());
  }
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(settings_.max_threads);
  params->setMaxQueued(settings_.max_queued * 2);  // the real bound is ShedWhenQueueFull
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(settings_.keep_alive_timeout_s, 0));
  params->setMaxKeepAliveRequests(settings_.max_keep_alive_requests);
  params->setTimeout(Poco::Timespan(kReadTimeout.count(), 0));
  pool_ = std::make_unique<Poco::ThreadPool>("http", settings_.min_threads, settings_.max_threads);
  shedder_ = std::make_unique<ConnectionShedder>();
  server_ =
      std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(this), *pool_, socket, params);
  server_->setConnectionFilter(new ShedWhenQueueFull(this, shedder_.get(), settings_.max_queued));
  server_->start();
  return Status::Ok();
}

void FrontEnd::begin_drain() { draining_ = true; }

bool FrontEnd::wait_idle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (in_flight_.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void FrontEnd::stop() {
  // The server outlives the pool's threads: their handlers ask it for the queue length.
  if (server_) server_->stopAll(true);
  if (pool_) pool_->joinAll();
  server_.reset();
  pool_.reset();
  shedder_.reset();
}

}  // namespace mvne::http
