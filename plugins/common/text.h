// Parsing and formatting of the values in switch and SMSC files: CSV lines, ISO 8601 times,
// integers. Shared by the record plugins. CSV and times are the SDK toolkit's parsers
// (mvne/toolkit/), the ones the host uses too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mvne::plugins {

// Splits one CSV record (RFC 4180 quoting) into `out`, reusing its storage. False when a
// quote is not closed or text follows a closing quote.
bool split_csv(std::string_view line, std::vector<std::string>& out);

// Appends `value` to `out` as one CSV field, quoted when it needs to be.
void append_csv_field(std::string& out, std::string_view value);

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

}  // namespace mvne::plugins
