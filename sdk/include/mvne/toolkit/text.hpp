// mvne/toolkit/text.hpp: parsing and formatting of the values in record files: ISO 8601
// times, offsets, integers, trimming. CSV splitting and quoting are in csv.hpp (included).
#pragma once

#include <mvne/toolkit/csv.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mvne::toolkit {

// "2026-11-02T09:30:00+09:00", "...Z", "...+0900", with an optional fraction; a space may
// stand for the T (every form of docs/input.md but a date alone). A time without offset is
// read at `default_offset_s`. Microseconds since the epoch, or nullopt when malformed.
std::optional<int64_t> parse_time(std::string_view text, int64_t default_offset_s = 0,
                                  bool offset_required = true);

// "+09:00", "-0500", "Z" or "" (UTC) as seconds east of UTC.
std::optional<int64_t> parse_offset(std::string_view text);

// A whole decimal number, optionally signed; nullopt when malformed or out of range.
std::optional<int64_t> parse_int(std::string_view text);

// "2026-11-02T00:30:00Z"
std::string format_time(int64_t us);

// The text without spaces and tabs at either end.
std::string_view trim(std::string_view text);

}  // namespace mvne::toolkit
