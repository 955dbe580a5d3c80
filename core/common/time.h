// Instants are microseconds since the Unix epoch, UTC. Text forms are ISO 8601, read by the
// SDK toolkit's parser (mvne/toolkit/iso8601.hpp), the one the plugins use too: "2026-11-01",
// "2026-11-01T09:30:00Z", "2026-11-01T09:30:00+09:00" and the other forms in docs/input.md.
#pragma once

#include <cstdint>
#include <limits>
#include <mvne/toolkit/iso8601.hpp>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace mvne {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();  // open-ended validity

// Any accepted form; a date or a time without offset is read as UTC. Callers that give a
// date the meaning of a tenant's local day use parse_time_text and local_period instead.
StatusOr<int64_t> parse_time_us(std::string_view text);
// The parsed form (date or time, offset given or not); the error names the text and why.
StatusOr<toolkit::IsoTime> parse_time_text(std::string_view text);
// "2026-11-01T09:30:00Z" (or "...+09:00" at that offset); "" for kForever.
std::string format_time_us(int64_t us, int32_t offset_s = 0);
int64_t now_us();

}  // namespace mvne
