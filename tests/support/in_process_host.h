// Plugins and the HTTP front end in the test's own process, on an ephemeral port.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/settings.h"
#include "core/http/front_end.h"
#include "core/metrics/metrics.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {

// Settings that load `plugins` from the fixture directory, plus `overrides`.
config::Settings fixture_settings(const std::vector<std::string>& plugins,
                                  const std::vector<std::string>& overrides = {});

// With its own SQLite database in a temp dir, unless `db` is given.
class InProcessHost {
 public:
  explicit InProcessHost(const config::Settings& settings,
                         std::shared_ptr<storage::Database> db = nullptr);
  ~InProcessHost();

  uint16_t port() const { return front_end_->port(); }
  metrics::Metrics& metrics() { return metrics_; }
  plugin::PluginManager& plugins() { return *plugins_; }
  http::FrontEnd& front_end() { return *front_end_; }
  platform::Services& services() { return *services_; }
  const Status& apply_status() const { return apply_status_; }

 private:
  TempDir dir_;
  metrics::Metrics metrics_;
  std::unique_ptr<platform::Services> services_;
  std::unique_ptr<plugin::PluginManager> plugins_;
  std::unique_ptr<http::FrontEnd> front_end_;
  Status apply_status_;
};

}  // namespace mvne::testing
