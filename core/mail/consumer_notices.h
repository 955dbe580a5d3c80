// The notices the platform mails consumers on its own: a data usage alert when a subscriber
// has used 80% and 100% of the month's allowance (each once a month, also across restarts and
// hosts: the outbox's dedup key), and a bill notice for every bill of a closed month.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/common/periodic_worker.h"
#include "core/platform/services.h"

namespace mvne::mail {

class ConsumerNotices {
 public:
  explicit ConsumerNotices(platform::Services* services) : services_(services) {}
  ~ConsumerNotices() { stop(); }

  // Queues the usage alerts due at `now`; returns how many it queued.
  int check_usage(int64_t now);
  // Queues a notice for each bill of the tenant's closed `period`; returns how many.
  int bills_closed(const std::string& tenant, const std::string& period);

  void start() { worker_.start(); }  // usage every five minutes
  void stop() { worker_.stop(); }

 private:
  // Queues `m` unless a message with origin.dedup_key was queued before (logs a failure);
  // true when queued now.
  bool queue_once(const Message& m, const OutboxOrigin& origin, const auth::Principal& who);

  platform::Services* services_;
  PeriodicWorker worker_{std::chrono::minutes(5), [this] { check_usage(now_us_()); }};
  static int64_t now_us_();
};

}  // namespace mvne::mail
