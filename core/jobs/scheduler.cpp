#include "core/jobs/scheduler.h"

#include <set>

#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::jobs {

Scheduler::Scheduler(plugin::PluginManager* plugins) : plugins_(plugins) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  thread_ = std::thread([this] { run(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    tick(Clock::now());
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_; });
  }
}

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
