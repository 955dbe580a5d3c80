#include "core/plugin/context_table.h"

#include <string>

#include "core/log/log.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {

ContextTable& ContextTable::instance() {
  static ContextTable table(1u << 14);
  return table;
}

ContextTable::ContextTable(size_t capacity) : slots_(capacity) {
  free_.reserve(capacity);
  for (size_t i = capacity; i > 0; --i) free_.push_back(static_cast<uint32_t>(i - 1));
}

ContextTable::Binding::Binding(ContextTable* table, uint32_t index, uint64_t generation)
    : table_(table), index_(index), generation_(generation) {}

ContextTable::Binding::Binding(Binding&& other) noexcept
    : table_(other.table_), index_(other.index_), generation_(other.generation_) {
  other.table_ = nullptr;
}

ContextTable::Binding::~Binding() {
  if (table_ != nullptr) table_->release(index_, generation_);
}

mvne_context* ContextTable::Binding::handle() const {
  uintptr_t value = (static_cast<uintptr_t>(generation_) << kGenerationShift) | index_;
  return reinterpret_cast<mvne_context*>(value);
}

std::optional<ContextTable::Binding> ContextTable::bind(CallScope* scope) {
  uint32_t index;
  {
    std::lock_guard lock(free_mu_);
    if (free_.empty()) return std::nullopt;
    index = free_.back();
    free_.pop_back();
  }
  Slot& slot = slots_[index];
  std::lock_guard lock(slot.mu);
  // Generations only grow, so no handle ever names a later scope of the same slot.
  uint64_t generation =
      (slot.generation.load() + 1) & ((uint64_t{1} << (64 - kGenerationShift)) - 1);
  if (generation == 0) generation = 1;
  slot.scope = scope;
  slot.owner.store(this_thread());
  slot.shared.store(false);
  slot.generation.store(generation, std::memory_order_release);
  return Binding(this, index, generation);
}

mvne_status ContextTable::share(mvne_context* handle, mvne_context** out_shared) {
  if (out_shared != nullptr) *out_shared = nullptr;
  Slot* slot = lookup(handle);
  if (slot == nullptr) return stale();
  std::lock_guard lock(slot->mu);
  if (slot->scope == nullptr || slot->generation.load() != generation_of(handle)) return stale();
  // Only the callback itself hands its context on; a helper cannot pass it further.
  if (is_shared(handle) || slot->owner.load() != this_thread()) {
    return other_thread(*slot->scope);
  }
  if (out_shared == nullptr) return MVNE_ERR_INVALID_ARGUMENT;
  slot->shared = true;
  *out_shared = reinterpret_cast<mvne_context*>(reinterpret_cast<uintptr_t>(handle) | kSharedBit);
  return MVNE_OK;
}

void ContextTable::release(uint32_t index, uint64_t generation) {
  Slot& slot = slots_[index];
  {
    std::lock_guard lock(slot.mu);
    if (slot.generation.load() == generation) {
      // A new generation first: the owner's lock-free test fails from here on.
      slot.generation.store((generation + 1) & ((uint64_t{1} << (64 - kGenerationShift)) - 1));
      slot.scope = nullptr;
      slot.shared.store(false);
    }
  }
  std::lock_guard lock(free_mu_);
  free_.push_back(index);
}

ContextTable::Slot* ContextTable::lookup(mvne_context* handle) {
  uintptr_t value = reinterpret_cast<uintptr_t>(handle);
  size_t index = value & ((uintptr_t{1} << kIndexBits) - 1);
  if (handle == nullptr || index >= slots_.size()) return nullptr;
  return &slots_[index];
}

uint64_t ContextTable::generation_of(mvne_context* handle) {
  return reinterpret_cast<uintptr_t>(handle) >> kGenerationShift;
}

bool ContextTable::is_shared(mvne_context* handle) {
  return (reinterpret_cast<uintptr_t>(handle) & kSharedBit) != 0;
}

bool ContextTable::usable_here(const Slot& slot, mvne_context* handle) {
  if (is_shared(handle)) return slot.shared.load();
  return slot.owner.load() == this_thread();
}

mvne_status ContextTable::stale() {
  stale_uses_.fetch_add(1);
  log_refusal("a plugin used a context handle outside its callback (stale or forged)");
  return MVNE_ERR_STALE_CONTEXT;
}

mvne_status ContextTable::other_thread(const CallScope& scope) {
  stale_uses_.fetch_add(1);
  other_thread_uses_.fetch_add(1);
  std::string plugin =
      scope.plugin != nullptr ? "plugin '" + scope.plugin->name() + "'" : "a plugin";
  log_refusal(plugin + " used the context of a " + phase_name(scope.phase) +
              " from a thread the context was not shared with");
  return MVNE_ERR_STALE_CONTEXT;
}

void ContextTable::log_refusal(const std::string& what) {
  uint64_t unlogged;
  {
    std::lock_guard lock(log_mu_);
    auto now = std::chrono::steady_clock::now();
    if (last_log_.time_since_epoch().count() != 0 && now - last_log_ < kLogEvery) {
      ++unlogged_;
      return;
    }
    last_log_ = now;
    unlogged = unlogged_;
    unlogged_ = 0;
  }
  log::error("host", what + "; the call was refused" +
                         (unlogged == 0 ? std::string()
                                        : " (" + std::to_string(unlogged) +
                                              " more refusal(s) since the last line, "
                                              "counted in mvne_stale_context_uses_total)"));
}

}  // namespace mvne::plugin
