// The threads that answer HTTP requests: a bounded queue of jobs served by min..max threads.
// Threads are started as the queue needs them (never more than max) and kept; a job that
// would find max_queued jobs already waiting (beyond those an idle or yet unstarted thread
// is about to take) is refused, so the caller can shed it (503) instead of letting the wait
// grow without bound.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mvne::http {

class WorkerPool {
 public:
  WorkerPool(int min_threads, int max_threads, int max_queued);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; false (and not queued) when max_queued jobs wait already or the pool has
  // stopped. Thread-safe.
  bool submit(std::function<void()> job);

  int queued() const;   // jobs waiting for a thread
  int threads() const;  // threads started
  int busy() const;     // threads running a job

  // Runs no further job, waits for the running ones and joins every thread.
  void stop();

 private:
  void start_thread();  // with mu_ held
  void run();

  const int max_threads_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  std::vector<std::thread> threads_;        // guarded by mu_
  int idle_ = 0;                            // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
};

}  // namespace mvne::http
