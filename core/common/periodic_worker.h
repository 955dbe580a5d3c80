// A thread that calls `tick` every `period` until stopped; stop() waits for a tick in
// progress to return; wake() runs the next tick now rather than at the end of the period.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace mvne {

class PeriodicWorker {
 public:
  PeriodicWorker(std::chrono::milliseconds period, std::function<void()> tick)
      : period_(period), tick_(std::move(tick)) {}
  ~PeriodicWorker() { stop(); }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void start() {
    std::lock_guard lock(mu_);
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void wake() {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    wake_.notify_all();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      tick_();
      lock.lock();
      wake_.wait_for(lock, period_, [&] { return stopping_ || woken_; });
      woken_ = false;
    }
  }

  const std::chrono::milliseconds period_;
  const std::function<void()> tick_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  bool woken_ = false;     // guarded by mu_
};

}  // namespace mvne
