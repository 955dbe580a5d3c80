// A small map of values loaded from the database and reused for a bounded time, for lookups
// made on every request (API keys, tenants, the directory version). A value is never served
// older than `max_age`: a change made elsewhere (another process, another host) is seen at
// most that long after it committed. Failed loads are not kept. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/common/status.h"

namespace mvne {

template <typename V>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;

  // At most `max_entries` values are kept; when full, all are dropped and reloaded on use.
  TtlCache(Clock::duration max_age, size_t max_entries)
      : max_age_(max_age), max_entries_(max_entries) {}

  // The value of `key`, from `load()` (a StatusOr<V>) when absent or older than max_age.
  // The load runs without the lock held (two threads may load the same key at once).
  template <typename Load>
  StatusOr<V> get(const std::string& key, Load&& load) {
    Clock::time_point now = Clock::now();
    {
      std::lock_guard lock(mu_);
      auto it = values_.find(key);
      if (it != values_.end() && now - it->second.loaded_at < max_age_) return it->second.value;
    }
    StatusOr<V> loaded = load();
    if (!loaded.ok()) return loaded;
    std::lock_guard lock(mu_);
    if (values_.size() >= max_entries_) values_.clear();
    values_.insert_or_assign(key, Entry{loaded.value(), now});
    return loaded;
  }

  // Forgets `key` (after this process changed it), so the next get() loads it again.
  void erase(const std::string& key) {
    std::lock_guard lock(mu_);
    values_.erase(key);
  }

 private:
  struct Entry {
    V value;
    Clock::time_point loaded_at;  // when the load started: the value is at least this fresh
  };
  const Clock::duration max_age_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> values_;  // guarded by mu_
};

}  // namespace mvne
