// File-spool ingestion: watches the spool directories the running plugins registered and
// hands each complete file (matching the pattern; "*.part" never) to its plugin under an
// ingest context. A file is claimed by renaming it into DIR/.processing/, then moved to
// DIR/done/ when the handler succeeds, or to DIR/failed/ with a .err report beside it.
// Each file is processed once: one whose content (SHA-256) was processed before is logged
// and moved to done/ unread. Outcomes and record counts are logged and in /metrics.
// Up to `workers` files are handled at once, each by one thread from start to end.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/periodic_worker.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::ingest {

class Spooler {
 public:
  explicit Spooler(plugin::PluginManager* plugins, int workers = 1);
  ~Spooler();

  void start() { worker_.start(); }
  void stop() { worker_.stop(); }  // waits for the file in progress

  // One pass over every spool: processes what is there now. Returns files handled.
  int poll();

 private:
  static std::vector<std::filesystem::path> ready_files(const plugin::SpoolRegistration& spool);
  void handle(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool,
              const std::string& name, const std::filesystem::path& claimed);

  plugin::PluginManager* plugins_;
  const int workers_;
  PeriodicWorker worker_{std::chrono::milliseconds(500), [this] { poll(); }};
};

}  // namespace mvne::ingest
