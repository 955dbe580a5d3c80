// Instants are microseconds since the Unix epoch, UTC. Text forms are ISO 8601:
// "2026-11-01" (midnight UTC), "2026-11-01T09:30:00Z" or "2026-11-01T09:30:00+09:00".
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace mvne {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();  // open-ended validity

StatusOr<int64_t> parse_time_us(std::string_view text);
std::string format_time_us(int64_t us);  // "2026-11-01T09:30:00Z"; "" for kForever
int64_t now_us();

}  // namespace mvne
