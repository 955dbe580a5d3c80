// Calendar days and months in a tenant's IANA time zone, as UTC microsecond ranges.
// Backed by the system tz database (/usr/share/zoneinfo) through Howard Hinnant's date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/common/status.h"

namespace mvne {

// [from, to) of a local "YYYY-MM-DD" day or "YYYY-MM" month in `zone`.
StatusOr<std::pair<int64_t, int64_t>> local_period(const std::string& zone,
                                                   std::string_view period);

// The instant of the local wall-clock time `local_us` (microseconds since 1970-01-01T00:00
// local) in `zone`; a time in a DST gap is the first instant after the gap, an ambiguous one
// the earlier of the two.
StatusOr<int64_t> local_to_utc(const std::string& zone, int64_t local_us);

// The offset from UTC of `zone` at the instant `us`, in seconds east.
StatusOr<int32_t> utc_offset_at(const std::string& zone, int64_t us);

// The local date ("YYYY-MM-DD") in `zone` of the instant `us`.
StatusOr<std::string> local_date(const std::string& zone, int64_t us);

// "YYYY-MM" moved by `months` (negative: back); empty when `month` is malformed.
std::string add_months(std::string_view month, int months);

}  // namespace mvne
