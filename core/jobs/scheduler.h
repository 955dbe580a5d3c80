// Runs the scheduled jobs and exports of the running plugins on one thread. A job that is
// still running when its next time comes is not started twice; a disabled plugin's jobs
// stop. A scheduled export writes the previous local day of every tenant that enabled it.
// With claims (hosts sharing a database), each occurrence runs on the one host that claimed
// it; an occurrence that could not be claimed (database away) is tried again a tick later,
// and one whose host died before finishing it is taken over and run here (job_claims.h).
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

  // How often the hosts' unfinished occurrences are looked at for orphans.
  static constexpr std::chrono::seconds kOrphanLook{5};

 private:
  using Key = std::pair<const void*, std::string>;  // (plugin instance, "job:NAME")
  // Runs one occurrence; the argument is the time it runs for (now, or an orphan's due time).
  using Run = std::function<void(int64_t at_us)>;
  struct Due {
    Key key;
    std::string job;  // "plugin:job:NAME", the name claims know it by
    std::string schedule;
    Run run;
  };

  void tick(Clock::time_point now);
  std::vector<Due> registered();
  // Runs `due` when its schedule has come due (and this host claimed it).
  void when_due(const Due& due, Clock::time_point now);
  // Takes over and runs the orphaned occurrences of jobs registered here.
  void adopt_orphans(const std::vector<Due>& jobs);

  plugin::PluginManager* plugins_;
  JobClaims* claims_;
  // Only touched by the scheduler thread: next run per key, and the last look for orphans.
  std::map<Key, Clock::time_point> next_run_;
  Clock::time_point orphans_looked_{};
  PeriodicWorker worker_{std::chrono::milliseconds(250), [this] { tick(Clock::now()); }};
};

}  // namespace mvne::jobs
