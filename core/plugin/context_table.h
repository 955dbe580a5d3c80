// Context handles: an mvne_context* is not a pointer but a (slot, generation) pair, so a
// handle kept past its callback, or made up, is recognised and refused instead of
// touching freed memory (invariant 2).
//
// The table is process-wide because the C host functions receive nothing but the handle;
// it holds no request data of its own, only the binding from handle to the live scope.
#pragma once

#include <mvne/plugin.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/plugin/call_scope.h"

namespace mvne::plugin {

class ContextTable {
 public:
  static ContextTable& instance();

  explicit ContextTable(size_t capacity);

  // Binds a scope to a fresh handle for the Binding's lifetime.
  class Binding {
   public:
    Binding(ContextTable* table, uint32_t index, uint64_t generation);
    Binding(Binding&& other) noexcept;
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;
    Binding& operator=(Binding&&) = delete;
    ~Binding();
    mvne_context* handle() const;

   private:
    ContextTable* table_;
    uint32_t index_;
    uint64_t generation_;
  };

  // Returns nullopt when every slot is in use.
  std::optional<Binding> bind(CallScope* scope);

  // Runs fn(CallScope&) while the handle is live, holding the slot so the callback cannot
  // end underneath. Returns MVNE_ERR_STALE_CONTEXT for a dead or forged handle.
  template <typename Fn>
  mvne_status with(mvne_context* handle, Fn&& fn) {
    Slot* slot = lookup(handle);
    if (slot == nullptr) return stale();
    std::lock_guard lock(slot->mu);
    if (slot->scope == nullptr || slot->generation != generation_of(handle)) return stale();
    return fn(*slot->scope);
  }

  uint64_t stale_uses() const { return stale_uses_.load(); }

 private:
  struct Slot {
    std::mutex mu;
    uint64_t generation = 0;
    CallScope* scope = nullptr;
  };
  static constexpr unsigned kIndexBits = 20;

  Slot* lookup(mvne_context* handle);
  static uint64_t generation_of(mvne_context* handle);
  mvne_status stale();
  void release(uint32_t index, uint64_t generation);

  std::vector<Slot> slots_;
  std::mutex free_mu_;
  std::vector<uint32_t> free_;  // guarded by free_mu_
  std::atomic<uint64_t> stale_uses_{0};
};

}  // namespace mvne::plugin
