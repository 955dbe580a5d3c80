// A queue with a fixed capacity shared by producers that must not block (datagram
// handlers) and consumers that take work in batches (group-commit threads). A push past
// the capacity is refused, so a burst beyond what storage can absorb is shed at the door
// instead of growing the process.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <mutex>
#include <vector>

namespace mvne::ingest {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

  // False when the queue holds `capacity` items or is closed; the item is then untouched
  // by the queue and stays the caller's to dispose of.
  bool push(T& item) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Waits until there is work or the queue is closed, then moves out up to `max` items.
  // Empty only once the queue is closed and drained.
  std::vector<T> take(size_t max) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    size_t n = std::min(items_.size(), max);
    std::vector<T> out(std::make_move_iterator(items_.begin()),
                       std::make_move_iterator(items_.begin() + static_cast<std::ptrdiff_t>(n)));
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
  }

  // Refuses further pushes and wakes every consumer; what is queued can still be taken.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<T> items_;  // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

}  // namespace mvne::ingest
