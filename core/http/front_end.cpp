#include "core/http/front_end.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <istream>
#include <thread>

#include "core/http/builtin_endpoints.h"
#include "core/http/plugin_dispatch.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::http {
namespace {

constexpr size_t kMaxBody = size_t{16} << 20;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads the body, up to kMaxBody; false when it is larger.
bool read_body(Poco::Net::HTTPServerRequest& request, std::string& body) {
  std::istream& in = request.stream();
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    body.append(buf, static_cast<size_t>(in.gcount()));
    if (body.size() > kMaxBody) return false;
  }
  return true;
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(FrontEnd* front_end) : front_end_(front_end) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    auto started = std::chrono::steady_clock::now();
    front_end_->in_flight().fetch_add(1);
    IncomingRequest in;
    in.request_id = next_request_id();
    in.method = request.getMethod();
    std::string route_label;
    Reply reply = serve(request, in, route_label);
    reply.headers.emplace_back("X-Request-Id", in.request_id);
    try {
      if (front_end_->draining()) response.setKeepAlive(false);
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
      response.setContentType(reply.content_type);
      for (const auto& [name, value] : reply.headers) response.add(name, value);
      response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
      response.sendBuffer(reply.body.data(), reply.body.size());
    } catch (const Poco::Exception& e) {
      log::write(log::Level::kWarn, "http", in.request_id,
                 "client went away before the response was sent: " + e.displayText());
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    front_end_->metrics().observe_request(route_label, reply.status, seconds);
    log::write(reply.status >= 500 ? log::Level::kWarn : log::Level::kDebug, "http", in.request_id,
               in.method + " " + in.path + " -> " + std::to_string(reply.status));
    front_end_->in_flight().fetch_sub(1);
  }

 private:
  Reply serve(Poco::Net::HTTPServerRequest& request, IncomingRequest& in,
              std::string& route_label) {
    try {
      Poco::URI uri(request.getURI());
      in.path = uri.getPath();
      in.query = uri.getRawQuery();
    } catch (const Poco::Exception&) {
      route_label = "invalid";
      return Reply::error(400, "bad_request", "malformed request URI", in.request_id);
    }
    if (front_end_->draining()) {
      route_label = "draining";
      return Reply::error(503, "unavailable", "the host is shutting down", in.request_id);
    }
    auto builtin = builtin_endpoint(in.path, front_end_->plugins(), front_end_->metrics(),
                                    {front_end_->draining(), front_end_->in_flight().load()});
    if (builtin) {
      route_label = in.path;
      return *builtin;
    }
    if (in.path.rfind("/api/", 0) != 0 && in.path.rfind("/portal/", 0) != 0) {
      route_label = "unmatched";
      return Reply::error(404, "not_found", "no route for " + in.path, in.request_id);
    }
    if (!read_body(request, in.body)) {
      route_label = "invalid";
      return Reply::error(413, "too_large", "request body exceeds 16 MiB", in.request_id);
    }
    for (const auto& [name, value] : request) in.headers.emplace(lower(name), value);
    return dispatch_to_plugin(*front_end_->plugins().routes(), in, front_end_->services(),
                              route_label);
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

}  // namespace

FrontEnd::FrontEnd(const config::HttpSettings& settings, plugin::PluginManager* plugins,
                   metrics::Metrics* metrics, platform::Services* services)
    : settings_(settings), plugins_(plugins), metrics_(metrics), services_(services) {}

FrontEnd::~FrontEnd() { stop(); }

Status FrontEnd::start() {
  std::string where = settings_.address + ":" + std::to_string(settings_.port);
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(settings_.address, settings_.port), false);
    socket.listen(1024);
  } catch (const Poco::Exception& e) {
    return Status::Unavailable("http.listen: cannot listen on " + where + ": " + e.displayText());
  }
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(settings_.max_threads);
  params->setMaxQueued(settings_.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(settings_.keep_alive_timeout_s, 0));
  params->setMaxKeepAliveRequests(settings_.max_keep_alive_requests);
  params->setTimeout(Poco::Timespan(30, 0));
  pool_ = std::make_unique<Poco::ThreadPool>("http", settings_.min_threads, settings_.max_threads);
  server_ =
      std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(this), *pool_, socket, params);
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
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
  if (pool_) {
    pool_->joinAll();
    pool_.reset();
  }
}

}  // namespace mvne::http
