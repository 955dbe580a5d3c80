// Decides which of many like events get a log line: the first of each key, then at most one
// per interval, which says how many were left unlogged since the one before. Events are
// counted elsewhere (metrics) whether logged or not. Thread-safe; holds at most `max_keys`
// keys (events of further keys are logged as one "other" key).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mvne::ingest {

class LogSampler {
 public:
  explicit LogSampler(int64_t interval_us, size_t max_keys = 64)
      : interval_us_(interval_us), max_keys_(max_keys) {}

  // An event of `key` at `now_us`: the number of events of that key not logged since its
  // last logged one when this one is to be logged, nullopt when it is not.
  std::optional<int64_t> admit(const std::string& key, int64_t now_us) {
    std::lock_guard lock(mu_);
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      if (keys_.size() >= max_keys_) return admit_locked(keys_["other"], now_us);
      it = keys_.emplace(key, Entry{}).first;
    }
    return admit_locked(it->second, now_us);
  }

 private:
  struct Entry {
    int64_t last_logged_us = 0;
    int64_t suppressed = 0;
    bool logged = false;
  };

  std::optional<int64_t> admit_locked(Entry& e, int64_t now_us) {
    if (e.logged && now_us - e.last_logged_us < interval_us_) {
      ++e.suppressed;
      return std::nullopt;
    }
    int64_t suppressed = e.suppressed;
    e = Entry{now_us, 0, true};
    return suppressed;
  }

  const int64_t interval_us_;
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Entry> keys_;  // guarded by mu_
};

}  // namespace mvne::ingest
