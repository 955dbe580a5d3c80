// mvne-host put together: configuration, logging, plugins, HTTP front end and scheduler,
// with the start, reload and shutdown sequences.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/billing/month_closer.h"
#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/http/front_end.h"
#include "core/ingest/spooler.h"
#include "core/jobs/scheduler.h"
#include "core/mail/consumer_notices.h"
#include "core/metrics/metrics.h"
#include "core/platform/host_peers.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"
#include "core/relay/relay_listeners.h"

namespace mvne::host {

class Host {
 public:
  Host(std::string config_path, std::vector<std::string> overrides, config::Settings settings);
  ~Host();

  // Opens storage, starts plugins, then the front end and the scheduler. Fails (and the
  // process exits 2) when storage cannot be opened, the port cannot be bound or a required
  // plugin is not running.
  Status start();

  // SIGHUP: re-reads the configuration; a bad one is logged and the running one kept.
  void reload();

  // SIGTERM/SIGINT: stop accepting work, let in-flight requests finish within
  // host.shutdown_timeout_ms, stop plugins in reverse order.
  void shutdown();

  uint16_t port() const { return front_end_ ? front_end_->port() : 0; }

 private:
  std::chrono::milliseconds stop_timeout() const;

  const std::string config_path_;
  const std::vector<std::string> overrides_;
  config::Settings settings_;
  metrics::Metrics metrics_;
  std::unique_ptr<platform::Services> services_;
  std::unique_ptr<platform::HostPeers> peers_;  // the other hosts on the database
  // Created by start(), once storage is open; destroyed in reverse order.
  std::unique_ptr<plugin::PluginManager> plugins_;
  std::unique_ptr<http::FrontEnd> front_end_;
  std::unique_ptr<jobs::JobClaims> job_claims_;  // a job runs once across the hosts
  std::unique_ptr<jobs::Scheduler> scheduler_;
  std::unique_ptr<ingest::Spooler> spooler_;
  std::unique_ptr<billing::MonthCloser> month_closer_;  // null when billing.auto_close is off
  std::unique_ptr<mail::ConsumerNotices> notices_;      // usage alerts, bill notices
  std::unique_ptr<relay::RelayListeners> relay_;        // the hold-and-notify relay
};

}  // namespace mvne::host
