// Runs the scheduled jobs of the running plugins on one thread. A job that is still
// running when its next time comes is not started twice; a disabled plugin's jobs stop.
#pragma once

#include <map>
#include <string>

#include "core/common/periodic_worker.h"
#include "core/jobs/schedule.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::jobs {

class Scheduler {
 public:
  explicit Scheduler(plugin::PluginManager* plugins);
  ~Scheduler();

  void start() { worker_.start(); }
  void stop() { worker_.stop(); }  // waits for a running job to return

 private:
  void tick(Clock::time_point now);

  plugin::PluginManager* plugins_;
  // Next run per (plugin instance, job name); only touched by the scheduler thread.
  std::map<std::pair<const void*, std::string>, Clock::time_point> next_run_;
  PeriodicWorker worker_{std::chrono::milliseconds(250), [this] { tick(Clock::now()); }};
};

}  // namespace mvne::jobs
