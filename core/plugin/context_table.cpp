#include "core/plugin/context_table.h"

#include "core/log/log.h"

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
  uintptr_t value = (static_cast<uintptr_t>(generation_) << kIndexBits) | index_;
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
  slot.generation = (slot.generation + 1) & ((uint64_t{1} << (64 - kIndexBits)) - 1);
  if (slot.generation == 0) slot.generation = 1;
  slot.scope = scope;
  return Binding(this, index, slot.generation);
}

void ContextTable::release(uint32_t index, uint64_t generation) {
  Slot& slot = slots_[index];
  {
    std::lock_guard lock(slot.mu);
    if (slot.generation == generation) slot.scope = nullptr;
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
  return reinterpret_cast<uintptr_t>(handle) >> kIndexBits;
}

mvne_status ContextTable::stale() {
  stale_uses_.fetch_add(1);
  log::error("host",
             "a plugin used a context handle outside its callback (stale or forged); "
             "the call was refused");
  return MVNE_ERR_STALE_CONTEXT;
}

}  // namespace mvne::plugin
