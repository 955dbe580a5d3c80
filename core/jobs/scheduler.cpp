#include "core/jobs/scheduler.h"

#include <algorithm>
#include <set>

#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::jobs {
namespace {

int64_t to_us(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

Scheduler::Scheduler(plugin::PluginManager* plugins, JobClaims* claims)
    : plugins_(plugins), claims_(claims) {}

Scheduler::~Scheduler() { stop(); }

std::vector<Scheduler::Due> Scheduler::registered() {
  std::vector<Due> out;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& job : plugin->registrations().jobs) {
      out.push_back(
          {{plugin.get(), "job:" + job.name},
           plugin->name() + ":job:" + job.name,
           job.schedule,
           [plugin, &job](int64_t) {
             plugin::CallScope scope{plugin::Phase::kJob, plugin.get(), http::next_request_id()};
             log::write(log::Level::kDebug, "plugin:" + plugin->name(), scope.request_id,
                        "running job '" + job.name + "'");
             (void)plugin->call(scope, [&](mvne_context* ctx, void* state) {
               return job.handler(state, job.job_data, ctx);
             });
           }});
    }
    for (const auto& reg : plugin->registrations().exports) {
      if (reg.schedule.empty()) continue;  // on demand only
      out.push_back(
          {{plugin.get(), "export:" + reg.name},
           plugin->name() + ":export:" + reg.name,
           reg.schedule,
           [plugin, &reg](int64_t at_us) { exports::run_for_all_tenants(*plugin, reg, at_us); }});
    }
  }
  return out;
}

void Scheduler::tick(Clock::time_point now) {
  const std::vector<Due> jobs = registered();
  std::set<Key> live;
  for (const Due& due : jobs) {
    live.insert(due.key);
    when_due(due, now);
  }
  std::erase_if(next_run_, [&](const auto& entry) { return !live.count(entry.first); });
  if (claims_ != nullptr && !jobs.empty() && now - orphans_looked_ >= kOrphanLook) {
    orphans_looked_ = now;
    adopt_orphans(jobs);
  }
}

void Scheduler::when_due(const Due& due, Clock::time_point now) {
  auto schedule = Schedule::parse(due.schedule);  // validated at registration
  if (!schedule.ok()) return;
  auto it = next_run_.find(due.key);
  if (it == next_run_.end()) {
    next_run_[due.key] = schedule->next_after(now);
    return;
  }
  if (now < it->second) return;
  const int64_t due_us = to_us(it->second);
  if (claims_ != nullptr) {
    auto ours = claims_->claim(due.job, due_us);
    if (!ours.ok()) {
      log::warn("jobs", due.job + " due " + format_time_us(due_us) +
                            ": not claimed, tried again shortly: " + ours.status().message());
      return;
    }
    if (!ours.value()) {
      log::write(log::Level::kDebug, "jobs", "",
                 due.job + " due " + format_time_us(due_us) + " runs on another host");
      it->second = schedule->next_after(now);
      return;
    }
  }
  due.run(now_us());
  it->second = schedule->next_after(Clock::now());
  if (claims_ == nullptr) return;
  if (Status st = claims_->finish(due.job, due_us); !st.ok()) {
    log::warn("jobs", due.job + " due " + format_time_us(due_us) +
                          ": ran, but not marked finished (another host may run it again): " +
                          st.message());
  }
}

void Scheduler::adopt_orphans(const std::vector<Due>& jobs) {
  auto orphans = claims_->orphans("");
  if (!orphans.ok()) {
    log::warn("jobs", "looking for occurrences of hosts gone: " + orphans.status().message());
    return;
  }
  for (const Occurrence& orphan : orphans.value()) {
    auto job =
        std::find_if(jobs.begin(), jobs.end(), [&](const Due& d) { return d.job == orphan.job; });
    if (job == jobs.end()) continue;  // not a job of a plugin running here
    auto ours = claims_->take_over(orphan);
    if (!ours.ok() || !ours.value()) continue;  // another host took it, or tried again later
    log::info("jobs", orphan.job + " due " + format_time_us(orphan.due_us) + ": host " +
                          orphan.host + " is gone before finishing it; running it here");
    job->run(orphan.due_us);
    (void)claims_->finish(orphan.job, orphan.due_us);
  }
}

}  // namespace mvne::jobs
