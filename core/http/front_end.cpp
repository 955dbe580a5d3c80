#include "core/http/front_end.h"

#include <Poco/String.h>

#include <algorithm>
#include <thread>

#include "core/audit/audit_log.h"

#include "core/http/builtin_endpoints.h"
#include "core/http/consumer_endpoints.h"
#include "core/http/plugin_dispatch.h"
#include "core/http/relay_links.h"
#include "core/http/request_body.h"
#include "core/http/request_head.h"
#include "core/http/request_id.h"
#include "core/http/tenant_endpoints.h"
#include "core/log/log.h"

namespace mvne::http {
namespace {

// The methods plugin routes can serve; anything else (OPTIONS, TRACE, ...) gets 405.
constexpr const char* kRouteMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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

// One request from its headers to its reply. Lives on the worker that runs it, and after
// that (when its reply waits for an audit commit) in the commit's callback.
class Request {
 public:
  Request(FrontEnd* front_end, std::shared_ptr<Exchange> exchange)
      : front_end_(front_end),
        exchange_(std::move(exchange)),
        started_(std::chrono::steady_clock::now()) {
    front_end_->in_flight().fetch_add(1);
    in_.request_id = next_request_id();
    in_.method = exchange_->method();
  }

  // Runs the request and sends its reply, now or once its audit row is committed.
  static void run(FrontEnd* front_end, std::shared_ptr<Exchange> exchange) {
    auto request = std::make_shared<Request>(front_end, std::move(exchange));
    Reply reply;
    try {
      reply = request->serve();
    } catch (const std::exception& e) {
      reply = request->failed(e.what());
    } catch (...) {
      reply = request->failed("unknown exception");
    }
    std::shared_ptr<const audit::Entry> audit = std::move(reply.audit);
    if (!audit) return request->finish(std::move(reply));
    // Every delivery to a principal is audited (invariant 8): no audit, no delivery.
    auto delivered = std::make_shared<Reply>(std::move(reply));
    front_end->services()->audit->append_async(*audit, [request, delivered](Status audited) {
      if (!audited.ok()) {
        request->log_failure("response withheld: audit failed: " + audited.message());
        *delivered = Reply::error(503, "unavailable", "the response could not be audited",
                                  request->in_.request_id);
      }
      request->finish(std::move(*delivered));
    });
  }

 private:
  void finish(Reply reply) {
    ensure_retry_after(reply);
    reply.headers.emplace_back("X-Request-Id", in_.request_id);
    // Counted before the reply is handed to its connection (which writes it on its own
    // strand): a client that has its answer finds it in /metrics.
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    try {
      front_end_->metrics().observe_request(route_label_, reply.status, seconds);
      log::write(reply.status >= 500 ? log::Level::kWarn : log::Level::kDebug, "http",
                 in_.request_id,
                 in_.method + " " + in_.path + " -> " + std::to_string(reply.status));
    } catch (...) {
      // Accounting must not take the connection down with it.
    }
    try {
      exchange_->respond(reply, !front_end_->draining());
    } catch (const std::exception& e) {
      log::write(log::Level::kWarn, "http", in_.request_id,
                 std::string("the reply could not be sent: ") + e.what());
    }
    front_end_->in_flight().fetch_sub(1);  // last: the front end may be stopped after this
  }

  void log_failure(const std::string& what) {
    try {
      log::write(log::Level::kError, "http", in_.request_id, what);
    } catch (...) {
    }
  }

  Reply failed(const std::string& what) {
    log_failure("request failed: " + what);
    return Reply::error(500, "internal", "the host failed to answer this request", in_.request_id);
  }

  // The value of the first header named `lower_name` (any case), or "".
  std::string field(std::string_view lower_name) const {
    for (const auto& [name, value] : exchange_->fields()) {
      if (Poco::icompare(name, std::string(lower_name)) == 0) return value;
    }
    return "";
  }

  // The client's address, and whether it reached us over TLS: the peer's, unless the peer is
  // a trusted proxy, whose X-Forwarded-For (last hop) and X-Forwarded-Proto are believed.
  void identify_client() {
    in_.client_address = exchange_->peer_address();
    const auto& trusted = front_end_->settings().trusted_proxies;
    if (std::find(trusted.begin(), trusted.end(), in_.client_address) == trusted.end()) return;
    std::string forwarded = field("x-forwarded-for");
    size_t comma = forwarded.rfind(',');
    std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
    Poco::trimInPlace(last);
    if (!last.empty()) in_.client_address = last;
    in_.secure = Poco::icompare(field("x-forwarded-proto"), "https") == 0;
  }

  // The body of a request to one of the host's own endpoints, within `limit` bytes; a
  // refusal (413, 408, ...) when it does not come as it should.
  std::optional<Reply> read_host_body(int limit) {
    BodyPolicy policy{static_cast<size_t>(limit),
                      std::chrono::milliseconds(front_end_->settings().body_timeout_ms)};
    return exchange_->read_body(policy, in_.request_id, in_.body);
  }

  Reply serve() {
    RequestTarget target = split_target(exchange_->target());
    in_.path = std::move(target.path);
    in_.query = std::move(target.query);
    if (!target.error.empty()) {
      return Reply::error(400, "bad_request", target.error, in_.request_id);
    }
    if (front_end_->draining()) {
      route_label_ = "draining";
      return Reply::error(503, "unavailable", "the host is shutting down", in_.request_id);
    }
    size_t authorizations = 0;
    for (const auto& [name, value] : exchange_->fields()) {
      authorizations += Poco::icompare(name, "authorization") == 0;
    }
    if (authorizations > 1) {
      return Reply::error(400, "bad_request", "more than one Authorization header", in_.request_id);
    }
    if (is_builtin_path(in_.path)) {
      route_label_ = in_.path;
      if (in_.method != "GET" && in_.method != "HEAD") return method_not_allowed(in_, "GET, HEAD");
      platform::Services* services = front_end_->services();
      return *builtin_endpoint(
          in_.path, front_end_->plugins(), front_end_->metrics(),
          {front_end_->draining(), front_end_->in_flight().load(), front_end_->shed_total(),
           front_end_->readiness(), services != nullptr ? services->mail.get() : nullptr,
           services != nullptr ? services->relay.get() : nullptr});
    }
    identify_client();
    for (const auto& [name, value] : exchange_->fields()) in_.headers.emplace(lower(name), value);
    if (const char* method = tenant_endpoint_method(in_.path)) {
      route_label_ = in_.path;
      if (in_.method != method) return method_not_allowed(in_, method);
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no route for " + in_.path, in_.request_id);
      }
      return tenant_endpoint(in_, front_end_->services());
    }
    if (const char* methods = consumer_endpoint_method(in_.path)) {
      route_label_ = in_.path;
      if (!lists_method(methods, in_.method)) return method_not_allowed(in_, methods);
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no consumer accounts on this host", in_.request_id);
      }
      if (auto refused = read_host_body(kConsumerBodyLimit)) return *refused;
      return consumer_endpoint(
          in_, {front_end_->services(), &front_end_->metrics(), &front_end_->portal()});
    }
    if (is_relay_link_path(in_.path)) {
      route_label_ = "/relay/v1/held";
      if (in_.method != "GET" && in_.method != "POST") return method_not_allowed(in_, "GET, POST");
      if (front_end_->services() == nullptr) {
        return Reply::error(404, "not_found", "no relay on this host", in_.request_id);
      }
      if (auto refused = read_host_body(kRelayLinkBodyLimit)) return *refused;
      return relay_link(in_, front_end_->services()->relay.get());
    }
    route_label_ = "unmatched";
    if (in_.path.rfind("/api/", 0) != 0 && in_.path.rfind("/portal/", 0) != 0) {
      return Reply::error(404, "not_found", "no route for " + in_.path, in_.request_id);
    }
    auto routes = front_end_->plugins().routes();
    bool routable = false;
    for (const char* method : kRouteMethods) routable = routable || in_.method == method;
    if (!routable || routes->match(in_.method, in_.path) == nullptr) {
      std::string allow = allowed_methods(*routes, in_.path);
      if (allow.empty()) {
        return Reply::error(404, "not_found", "no route for " + in_.method + " " + in_.path,
                            in_.request_id);
      }
      return method_not_allowed(in_, allow);
    }
    if (method_has_body(in_.method) && !exchange_->content_length() && !exchange_->chunked()) {
      return Reply::error(411, "length_required",
                          "a " + in_.method + " needs Content-Length or Transfer-Encoding: chunked",
                          in_.request_id);
    }
    // The body is read only here: after the route matched and the caller was authenticated.
    auto read = [&](const plugin::Route& route) -> std::optional<Reply> {
      BodyPolicy policy = body_policy(front_end_->settings(), route.registration.prefix);
      return exchange_->read_body(policy, in_.request_id, in_.body);
    };
    return dispatch_to_plugin(*routes, in_, front_end_->services(), route_label_, read);
  }

  FrontEnd* front_end_;
  std::shared_ptr<Exchange> exchange_;
  std::chrono::steady_clock::time_point started_;
  IncomingRequest in_;
  std::string route_label_ = "invalid";
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

Status FrontEnd::start() {
  ServerLimits limits;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  limits.io_threads = settings_.io_threads > 0 ? settings_.io_threads : std::min(cores, 4);
  limits.max_connections = settings_.max_connections;
  limits.min_threads = settings_.min_threads;
  limits.max_threads = settings_.max_threads;
  limits.max_queued = settings_.max_queued;
  limits.keep_alive_timeout = std::chrono::seconds(settings_.keep_alive_timeout_s);
  limits.max_keep_alive_requests = settings_.max_keep_alive_requests;
  server_ = std::make_unique<HttpServer>(limits, [this](std::shared_ptr<Exchange> exchange) {
    Request::run(this, std::move(exchange));
  });
  if (Status st = server_->listen(settings_.address, settings_.port); !st.ok()) {
    server_.reset();
    return st;
  }
  port_ = server_->port();
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
  if (server_) server_->stop();
  server_.reset();
}

}  // namespace mvne::http
