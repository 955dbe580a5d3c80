// What the host functions share: reading a plugin's strings, running on the live scope of a
// context handle (nothing thrown leaves the host), and refusing a call with the reason kept
// on the scope and logged.
#pragma once

#include <mvne/plugin.h>

#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/plugin/call_scope.h"
#include "core/plugin/context_table.h"

namespace mvne::plugin {

constexpr size_t kMaxString = size_t{64} << 20;

// A string from a plugin: NULL data is only allowed with length 0.
inline bool valid(mvne_str s) { return (s.data != nullptr || s.len == 0) && s.len <= kMaxString; }
inline std::string_view view(mvne_str s) {
  return s.len == 0 ? std::string_view() : std::string_view(s.data, s.len);
}

template <typename Spec>
bool spec_ok(const Spec* spec, size_t v1_size) {
  return spec != nullptr && spec->struct_size >= v1_size;
}

// Runs `fn` on the live scope of `ctx`; catches everything (no exception leaves the host).
template <typename Fn>
mvne_status with_scope(mvne_context* ctx, Fn&& fn) noexcept {
  try {
    return ContextTable::instance().with(ctx, std::forward<Fn>(fn));
  } catch (...) {
    return MVNE_ERR_INTERNAL;
  }
}

// Keeps `why` on the scope (set_error's counterpart for the host), logs it, returns `code`.
mvne_status refuse(CallScope& scope, mvne_status code, const std::string& why);

// A host service failed. Over capacity (kUnavailable: pool exhausted, database busy) is
// marked on the scope, so the request is shed with 503 rather than blamed on the plugin.
mvne_status service_failed(CallScope& scope, const Status& st, const std::string& what);

}  // namespace mvne::plugin
