// File-spool ingestion: watches the spool directories the running plugins registered and
// hands each complete file (matching the pattern; "*.part" never) to its plugin under an
// ingest context. A file is claimed (spool_claims.h: a claim file with a lease, then a rename
// into DIR/.processing/), then moved to DIR/done/ when the handler succeeds, or to
// DIR/failed/ with a .err report beside it (created exclusively, never through a link).
// Every poll first takes back the files of claimants that died (kill -9, power loss) or whose
// lease expired. A symbolic link in the spool is never read: it is moved to failed/ with a
// report saying so.
// A file whose handling failed for want of capacity (the plugin stopping, the database busy
// or down) is put back in the spool and read again at a later poll: never failed/ for that.
// Each file is processed once: one whose content (SHA-256) was processed before is logged
// and moved to done/ unread. Outcomes and record counts are logged and in /metrics.
// Up to `workers` files are handled at once, each by one thread from start to end.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/periodic_worker.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::ingest {

// What became of one file, for an observer (the plugin authors' test harness).
struct FileOutcome {
  std::string plugin, file;
  bool done = false;  // moved to done/ (false: to failed/)
  std::string error;  // why it failed
  int64_t stored = 0, duplicates = 0, quarantined = 0;
};

class Spooler {
 public:
  using Observer = std::function<void(const FileOutcome&)>;
  // `observer`, when set, is told of every file handled (from the worker's thread).
  explicit Spooler(plugin::PluginManager* plugins, int workers = 1, Observer observer = nullptr);
  ~Spooler();

  void start();
  void stop();  // waits for the file in progress

  // One pass over every spool: processes what is there now. Returns files handled.
  int poll();

 private:
  std::vector<std::filesystem::path> ready_files(plugin::PluginInstance& plugin,
                                                 const plugin::SpoolRegistration& spool);
  void refuse_link(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool,
                   const std::filesystem::path& link);
  void recover(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool);
  void renew_claims();
  void handle(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool,
              const std::string& name, const std::filesystem::path& claimed);

  plugin::PluginManager* plugins_;
  const int workers_;
  const Observer observer_;
  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> active_;  // (dir, name) claimed; guarded by mu_
  PeriodicWorker worker_{std::chrono::milliseconds(500), [this] { poll(); }};
  PeriodicWorker renewer_{std::chrono::seconds(20), [this] { renew_claims(); }};
};

}  // namespace mvne::ingest
