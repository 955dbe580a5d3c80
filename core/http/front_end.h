// The HTTP front end (POCO HTTPServer): built-in endpoints (/healthz, /readyz, /metrics)
// and the /api/ and /portal/ routes of the running plugins.
//
// POCO serves each connection on one pool thread for as long as it stays open, idle
// keep-alive connections included, so the pool is sized from [http] max_threads (default
// 1024) rather than POCO's 16: with 16, the 17th keep-alive client waits for a free thread.
// Past max_threads, up to max_queued connections wait; beyond that a connection is answered
// 503 with Retry-After (ConnectionShedder), never closed unanswered. While connections wait,
// replies close theirs, so waiting ones get a thread instead of idle keep-alive ones.
//
// A request is routed and its caller authenticated on the headers alone; its body is read
// only then, within the route's limit (request_body.h). Whatever a handler throws becomes a
// 500 and the in-flight count is always decremented.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/http/connection_shedder.h"
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
  // Closes every connection and joins the pool.
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
  uint64_t shed_connections() const { return shedder_ ? shedder_->shed_total() : 0; }
  // Connections accepted and not yet picked up by a thread.
  int queued_connections() const;
  // Whether max_threads threads serve connections (busy or about to take a queued one).
  bool all_threads_started() const;
  // Whether connections wait because every thread is taken.
  bool connections_waiting() const;

 private:
  config::HttpSettings settings_;
  config::PortalSettings portal_;
  plugin::PluginManager* plugins_;
  metrics::Metrics* metrics_;
  platform::Services* services_;
  std::unique_ptr<ReadinessProbe> readiness_;
  std::unique_ptr<ConnectionShedder> shedder_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace mvne::http
