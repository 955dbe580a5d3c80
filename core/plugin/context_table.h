// Context handles: an mvne_context* is not a pointer but a (slot, generation) pair, so a
// handle kept past its callback, or made up, is recognised and refused instead of
// touching freed memory (invariant 2). A handle also belongs to the thread its callback
// runs on: a call from any other thread is refused the same way, unless the callback
// shared its context for helper threads (share()), which lasts until the callback returns.
//
// The table is process-wide because the C host functions receive nothing but the handle;
// it holds no request data of its own, only the binding from handle to the live scope.
#pragma once

#include <mvne/plugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/common/isolation_layers.h"
#include "core/plugin/call_scope.h"

namespace mvne::plugin {

class ContextTable {
 public:
  static ContextTable& instance();

  explicit ContextTable(size_t capacity);

  // Binds a scope to a fresh handle, owned by the calling thread, for the Binding's lifetime.
  class Binding {
   public:
    Binding(ContextTable* table, uint32_t index, uint64_t generation);
    Binding(Binding&& other) noexcept;
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;
    Binding& operator=(Binding&&) = delete;
    ~Binding();  // waits for a host call in progress on the handle, then revokes it
    mvne_context* handle() const;

   private:
    ContextTable* table_;
    uint32_t index_;
    uint64_t generation_;
  };

  // Returns nullopt when every slot is in use.
  std::optional<Binding> bind(CallScope* scope);

  // Runs fn(CallScope&) while the handle is live and the caller may use it, holding the
  // slot so the callback cannot end underneath (and so calls from helper threads sharing
  // the context are serialised). Returns MVNE_ERR_STALE_CONTEXT for a dead or forged
  // handle, and for the handle of a callback running on another thread.
  template <typename Fn>
  mvne_status with(mvne_context* handle, Fn&& fn) {
    Slot* slot = lookup(handle);
    if (slot == nullptr) return stale();
    // The callback's own thread with its own handle, shared with no helper: only this
    // thread can end the binding, so nothing can change underneath and no lock is needed.
    // (A handle of another binding fails the generation or the owner test.)
    if (!is_shared(handle) &&
        slot->generation.load(std::memory_order_acquire) == generation_of(handle) &&
        slot->owner.load(std::memory_order_relaxed) == this_thread() &&
        !slot->shared.load(std::memory_order_relaxed)) {
      return fn(*slot->scope);
    }
    std::lock_guard lock(slot->mu);
    // Without the layer (a test build showing what it stops) a handle names whatever callback
    // holds its slot now, on any thread: the bug of a context kept across requests.
    if (slot->scope != nullptr && layer_off(Layer::kRequestContext)) return fn(*slot->scope);
    if (slot->scope == nullptr || slot->generation.load() != generation_of(handle)) {
      return stale();
    }
    if (!usable_here(*slot, handle)) return other_thread(*slot->scope);
    return fn(*slot->scope);
  }

  // For the thread running the callback of `handle`: a handle to the same callback that
  // any thread may use until the callback returns. MVNE_ERR_STALE_CONTEXT as with().
  mvne_status share(mvne_context* handle, mvne_context** out_shared);

  // Refusals: every one (stale_uses) and those from another thread (other_thread_uses).
  uint64_t stale_uses() const { return stale_uses_.load(); }
  uint64_t other_thread_uses() const { return other_thread_uses_.load(); }

 private:
  // Written under `mu` by the thread binding or releasing the slot; generation, owner and
  // shared are atomics because the owner's fast path reads them without the lock.
  struct Slot {
    std::mutex mu;
    std::atomic<uint64_t> generation{0};
    CallScope* scope = nullptr;
    std::atomic<uintptr_t> owner{0};  // this_thread() of the thread running the callback
    std::atomic<bool> shared{false};  // share() was called: the shared handle works on any thread
  };
  // A number unique to the calling thread among live threads (a thread-local's address).
  static uintptr_t this_thread() {
    static thread_local char marker;
    return reinterpret_cast<uintptr_t>(&marker);
  }
  static constexpr unsigned kIndexBits = 20;
  static constexpr uintptr_t kSharedBit = uintptr_t{1} << kIndexBits;
  static constexpr unsigned kGenerationShift = kIndexBits + 1;

  Slot* lookup(mvne_context* handle);
  static uint64_t generation_of(mvne_context* handle);
  static bool is_shared(mvne_context* handle);
  static bool usable_here(const Slot& slot, mvne_context* handle);
  mvne_status stale();
  mvne_status other_thread(const CallScope& scope);
  void release(uint32_t index, uint64_t generation);

  std::vector<Slot> slots_;
  std::mutex free_mu_;
  std::vector<uint32_t> free_;  // guarded by free_mu_
  std::atomic<uint64_t> stale_uses_{0};
  std::atomic<uint64_t> other_thread_uses_{0};

  // Refusals are logged at most once per kLogEvery, with the number left unlogged.
  static constexpr std::chrono::seconds kLogEvery{10};
  std::mutex log_mu_;
  std::chrono::steady_clock::time_point last_log_;  // guarded by log_mu_
  uint64_t unlogged_ = 0;                           // guarded by log_mu_
  void log_refusal(const std::string& what);
};

}  // namespace mvne::plugin
