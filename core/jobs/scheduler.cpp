#include "core/jobs/scheduler.h"

#include <set>

#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::jobs {

Scheduler::Scheduler(plugin::PluginManager* plugins) : plugins_(plugins) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::tick(Clock::time_point now) {
  std::set<std::pair<const void*, std::string>> live;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& job : plugin->registrations().jobs) {
      auto key = std::make_pair(static_cast<const void*>(plugin.get()), job.name);
      live.insert(key);
      auto schedule = Schedule::parse(job.schedule);  // validated at registration
      if (!schedule.ok()) continue;
      auto it = next_run_.find(key);
      if (it == next_run_.end()) {
        next_run_[key] = schedule->next_after(now);
        continue;
      }
      if (now < it->second) continue;
      plugin::CallScope scope{plugin::Phase::kJob, plugin.get(), http::next_request_id()};
      log::write(log::Level::kDebug, "plugin:" + plugin->name(), scope.request_id,
                 "running job '" + job.name + "'");
      (void)plugin->call(scope, [&](mvne_context* ctx, void* state) {
        return job.handler(state, job.job_data, ctx);
      });
      it->second = schedule->next_after(Clock::now());
    }
  }
  std::erase_if(next_run_, [&](const auto& entry) { return !live.count(entry.first); });
}

}  // namespace mvne::jobs
