// File-spool ingestion: watches the spool directories the running plugins registered and
// hands each complete file (matching the pattern; "*.part" never) to its plugin under an
// ingest context. A file is claimed by renaming it into DIR/.processing/, then moved to
// DIR/done/ when the handler succeeds, or to DIR/failed/ with a .err report beside it.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/plugin/plugin_manager.h"

namespace mvne::ingest {

class Spooler {
 public:
  explicit Spooler(plugin::PluginManager* plugins);
  ~Spooler();

  void start();
  void stop();  // waits for the file in progress

  // One pass over every spool: processes what is there now. Returns files handled.
  int poll();

 private:
  void run();

  plugin::PluginManager* plugins_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace mvne::ingest
