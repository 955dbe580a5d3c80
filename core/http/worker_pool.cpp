#include "core/http/worker_pool.h"

#include <algorithm>

namespace mvne::http {

WorkerPool::WorkerPool(int min_threads, int max_threads, int max_queued)
    : max_threads_(std::max(1, max_threads)),
      max_queued_(static_cast<size_t>(std::max(1, max_queued))) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < std::clamp(min_threads, 0, max_threads_); ++i) start_thread();
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(std::function<void()> job) {
  std::lock_guard lock(mu_);
  // Jobs that an idle thread, or one still to be started, is about to take are not waiting:
  // only the rest count against max_queued.
  const size_t about_to_run =
      static_cast<size_t>(idle_) + static_cast<size_t>(max_threads_) - threads_.size();
  if (stopping_ || jobs_.size() >= max_queued_ + about_to_run) return false;
  jobs_.push_back(std::move(job));
  if (idle_ < static_cast<int>(jobs_.size()) && static_cast<int>(threads_.size()) < max_threads_) {
    start_thread();
  } else {
    wake_.notify_one();
  }
  return true;
}

int WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(jobs_.size());
}

int WorkerPool::threads() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(threads_.size());
}

int WorkerPool::busy() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(threads_.size()) - idle_;
}

void WorkerPool::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    jobs_.clear();
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) t.join();
}

void WorkerPool::start_thread() {
  threads_.emplace_back([this] { run(); });
}

void WorkerPool::run() {
  std::unique_lock lock(mu_);
  while (true) {
    ++idle_;
    wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (stopping_) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace mvne::http
