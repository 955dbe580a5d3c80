// File-spool ingestion: watches the spool directories the running plugins registered and
// hands each complete file (matching the pattern; "*.part" never) to its plugin under an
// ingest context. A file is claimed by renaming it into DIR/.processing/, then moved to
// DIR/done/ when the handler succeeds, or to DIR/failed/ with a .err report beside it.
#pragma once

#include "core/common/periodic_worker.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::ingest {

class Spooler {
 public:
  explicit Spooler(plugin::PluginManager* plugins);
  ~Spooler();

  void start() { worker_.start(); }
  void stop() { worker_.stop(); }  // waits for the file in progress

  // One pass over every spool: processes what is there now. Returns files handled.
  int poll();

 private:
  plugin::PluginManager* plugins_;
  PeriodicWorker worker_{std::chrono::milliseconds(500), [this] { poll(); }};
};

}  // namespace mvne::ingest
