#include "core/jobs/scheduler.h"

#include <set>

#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::jobs {

Scheduler::Scheduler(plugin::PluginManager* plugins) : plugins_(plugins) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::tick(Clock::time_point now) {
  std::set<Key> live;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& job : plugin->registrations().jobs) {
      when_due({plugin.get(), "job:" + job.name}, job.schedule, now, live, [&] {
        plugin::CallScope scope{plugin::Phase::kJob, plugin.get(), http::next_request_id()};
        log::write(log::Level::kDebug, "plugin:" + plugin->name(), scope.request_id,
                   "running job '" + job.name + "'");
        (void)plugin->call(scope, [&](mvne_context* ctx, void* state) {
          return job.handler(state, job.job_data, ctx);
        });
      });
    }
    for (const auto& reg : plugin->registrations().exports) {
      if (reg.schedule.empty()) continue;  // on demand only
      when_due({plugin.get(), "export:" + reg.name}, reg.schedule, now, live,
               [&] { exports::run_for_all_tenants(*plugin, reg, now_us()); });
    }
  }
  std::erase_if(next_run_, [&](const auto& entry) { return !live.count(entry.first); });
}

void Scheduler::when_due(const Key& key, const std::string& schedule_text, Clock::time_point now,
                         std::set<Key>& live, const std::function<void()>& run) {
  live.insert(key);
  auto schedule = Schedule::parse(schedule_text);  // validated at registration
  if (!schedule.ok()) return;
  auto it = next_run_.find(key);
  if (it == next_run_.end()) {
    next_run_[key] = schedule->next_after(now);
    return;
  }
  if (now < it->second) return;
  run();
  it->second = schedule->next_after(Clock::now());
}

}  // namespace mvne::jobs
