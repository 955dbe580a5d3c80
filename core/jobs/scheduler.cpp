#include "core/jobs/scheduler.h"

#include <set>

#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::jobs {

Scheduler::Scheduler(plugin::PluginManager* plugins, JobClaims* claims)
    : plugins_(plugins), claims_(claims) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::tick(Clock::time_point now) {
  std::set<Key> live;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& job : plugin->registrations().jobs) {
      when_due({plugin.get(), "job:" + job.name}, plugin->name(), job.schedule, now, live, [&] {
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
      when_due({plugin.get(), "export:" + reg.name}, plugin->name(), reg.schedule, now, live,
               [&] { exports::run_for_all_tenants(*plugin, reg, now_us()); });
    }
  }
  std::erase_if(next_run_, [&](const auto& entry) { return !live.count(entry.first); });
}

void Scheduler::when_due(const Key& key, const std::string& plugin,
                         const std::string& schedule_text, Clock::time_point now,
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
  const std::string job = plugin + ":" + key.second;
  const int64_t due_us =
      std::chrono::duration_cast<std::chrono::microseconds>(it->second.time_since_epoch()).count();
  if (claims_ != nullptr) {
    auto ours = claims_->claim(job, due_us);
    if (!ours.ok()) {
      log::warn("jobs", job + " due " + format_time_us(due_us) +
                            ": not claimed, tried again shortly: " + ours.status().message());
      return;
    }
    if (!ours.value()) {
      log::write(log::Level::kDebug, "jobs", "",
                 job + " due " + format_time_us(due_us) + " runs on another host");
      it->second = schedule->next_after(now);
      return;
    }
  }
  run();
  it->second = schedule->next_after(Clock::now());
}

}  // namespace mvne::jobs
