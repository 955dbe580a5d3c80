// Runs the scheduled jobs and exports of the running plugins on one thread. A job that is
// still running when its next time comes is not started twice; a disabled plugin's jobs
// stop. A scheduled export writes the previous local day of every tenant that enabled it.
// With claims (hosts sharing a database), each occurrence runs on the one host that claimed
// it; an occurrence that could not be claimed (database away) is tried again a tick later.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "core/common/periodic_worker.h"
#include "core/jobs/job_claims.h"
#include "core/jobs/schedule.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::jobs {

class Scheduler {
 public:
  // `claims` may be null: every occurrence runs here.
  Scheduler(plugin::PluginManager* plugins, JobClaims* claims);
  ~Scheduler();

  void start() { worker_.start(); }
  void stop() { worker_.stop(); }  // waits for a running job to return

 private:
  using Key = std::pair<const void*, std::string>;  // (plugin instance, "job:NAME")
  void tick(Clock::time_point now);
  // Calls `run` when the schedule of `key` has come due; notes `key` as live.
  void when_due(const Key& key, const std::string& plugin, const std::string& schedule,
                Clock::time_point now, std::set<Key>& live, const std::function<void()>& run);

  plugin::PluginManager* plugins_;
  JobClaims* claims_;
  // Next run per key; only touched by the scheduler thread.
  std::map<Key, Clock::time_point> next_run_;
  PeriodicWorker worker_{std::chrono::milliseconds(250), [this] { tick(Clock::now()); }};
};

}  // namespace mvne::jobs
