// The HTTP front end: built-in endpoints (/healthz, /readyz, /metrics) and the /api/ and
// /portal/ routes of the running plugins, served by the event-driven server of
// http_server.h (idle connections take no thread; requests wait for one of [http]
// max_threads workers, at most max_queued of them; past either bound, or past
// max_connections, the answer is 503 with Retry-After, never a closed connection).
//
// A request is routed and its caller authenticated on the headers alone; its body is read
// only then, within the route's limit (request_body.h). Whatever a handler throws becomes a
// 500, and the in-flight count covers each request until its reply is handed to the socket.
// A reply that carries an audit row (reply.h) is sent once that row is committed; the worker
// goes on to the next request meanwhile.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/http/http_server.h"
#include "core/http/readiness_probe.h"
#include "core/metrics/metrics.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::http {

class FrontEnd {
 public:
  // `services` may be null: then principal-scoped routes answer 401.
  FrontEnd(const config::HttpSettings& settings, plugin::PluginManager* plugins,
           metrics::Metrics* metrics, platform::Services* services = nullptr,
           const config::PortalSettings& portal = {});
  ~FrontEnd();

  // Binds (with SO_REUSEADDR, so a restart is not refused while connections the host closed
  // linger in TIME_WAIT; never SO_REUSEPORT, so a second host on the port is refused) and
  // starts serving; fails with the address when it cannot bind.
  Status start();
  uint16_t port() const { return port_; }

  // Stops accepting work: new requests get 503, /readyz reports not ready.
  void begin_drain();
  // Waits until no request is in flight, at most `timeout`; false on time-out.
  bool wait_idle(std::chrono::milliseconds timeout);
  // Closes every connection and joins the threads.
  void stop();

  bool draining() const { return draining_.load(); }

  // Used by the request handlers.
  plugin::PluginManager& plugins() { return *plugins_; }
  metrics::Metrics& metrics() { return *metrics_; }
  platform::Services* services() { return services_; }
  std::atomic<int>& in_flight() { return in_flight_; }
  const config::HttpSettings& settings() const { return settings_; }
  const config::PortalSettings& portal() const { return portal_; }
  ReadinessProbe* readiness() { return readiness_.get(); }
  // Requests and connections answered 503 because the host had no room for them.
  uint64_t shed_total() const { return server_ ? server_->shed_total() : 0; }
  // Requests waiting for a worker.
  int queued_requests() const { return server_ ? server_->queued_requests() : 0; }
  int open_connections() const { return server_ ? server_->open_connections() : 0; }

 private:
  config::HttpSettings settings_;
  config::PortalSettings portal_;
  plugin::PluginManager* plugins_;
  metrics::Metrics* metrics_;
  platform::Services* services_;
  std::unique_ptr<ReadinessProbe> readiness_;
  uint16_t port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
  std::unique_ptr<HttpServer> server_;  // last: its threads use the members above
};

}  // namespace mvne::http
