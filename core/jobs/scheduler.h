// Runs the scheduled jobs of the running plugins on one thread. A job that is still
// running when its next time comes is not started twice; a disabled plugin's jobs stop.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/jobs/schedule.h"
#include "core/plugin/plugin_manager.h"

namespace mvne::jobs {

class Scheduler {
 public:
  explicit Scheduler(plugin::PluginManager* plugins);
  ~Scheduler();

  void start();
  void stop();  // waits for a running job to return

 private:
  void run();
  void tick(Clock::time_point now);

  plugin::PluginManager* plugins_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  // Next run per (plugin instance, job name); only touched by the scheduler thread.
  std::map<std::pair<const void*, std::string>, Clock::time_point> next_run_;
};

}  // namespace mvne::jobs
