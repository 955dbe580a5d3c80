// Decides which of many like events get a log line: per key, at most `burst` in each
// interval (a window opens with the first event logged after the last one closed); past it
// events are counted, and the next one logged says how many were left unlogged since the one
// before. Events are counted elsewhere (metrics) whether logged or not. Thread-safe; holds at
// most `max_keys` keys (events of further keys are sampled as one "other" key).
//
// The host's logger bounds each component's warning and error lines this way (log.burst), so
// a storm of failures (the database away, a disk full, a flood of bad packets) costs a few
// lines a second, not one per request; the datagram hub samples its drops per reason.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace mvne::log {

class LogSampler {
 public:
  // burst 0: every event is logged.
  explicit LogSampler(int64_t interval_us, int burst = 1, size_t max_keys = 64)
      : interval_us_(interval_us), burst_(burst), max_keys_(max_keys) {}

  // An event of `key` at `now_us`: the number of events of that key not logged since its
  // last logged one when this one is to be logged, nullopt when it is not.
  std::optional<int64_t> admit(std::string_view key, int64_t now_us) {
    std::lock_guard lock(mu_);
    if (burst_ <= 0) return 0;
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      if (keys_.size() >= max_keys_) return admit_locked(keys_["other"], now_us);
      it = keys_.emplace(std::string(key), Entry{}).first;
    }
    return admit_locked(it->second, now_us);
  }

  void set_burst(int burst) {
    std::lock_guard lock(mu_);
    burst_ = burst;
  }
  int burst() {
    std::lock_guard lock(mu_);
    return burst_;
  }

 private:
  struct Entry {
    int64_t window_start_us = 0;
    int logged = 0;  // in the window
    int64_t suppressed = 0;
  };

  std::optional<int64_t> admit_locked(Entry& e, int64_t now_us) {
    if (e.logged == 0 || now_us - e.window_start_us >= interval_us_) {
      e.window_start_us = now_us;
      e.logged = 0;
    }
    if (e.logged >= burst_) {
      ++e.suppressed;
      return std::nullopt;
    }
    ++e.logged;
    int64_t suppressed = e.suppressed;
    e.suppressed = 0;
    return suppressed;
  }

  const int64_t interval_us_;
  int burst_;  // guarded by mu_
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> keys_;  // guarded by mu_
};

}  // namespace mvne::log
