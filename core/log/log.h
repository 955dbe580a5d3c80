// Host logging on spdlog: text or JSON lines, a component and a request id on every line
// written for a request. Phone numbers and IMSIs in messages are masked before writing.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/config/settings.h"

namespace mvne::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

// Sets up the process logger; fails when the log file cannot be opened.
Status init(const config::LogSettings& settings);

// Changes the level at run time (on reload).
void set_level(const std::string& level);

void write(Level level, std::string_view component, std::string_view request_id,
           std::string_view message);

inline void info(std::string_view component, std::string_view message) {
  write(Level::kInfo, component, {}, message);
}
inline void warn(std::string_view component, std::string_view message) {
  write(Level::kWarn, component, {}, message);
}
inline void error(std::string_view component, std::string_view message) {
  write(Level::kError, component, {}, message);
}

// Replaces the middle digits of every run of 7 or more digits (an optional leading '+'
// kept) with '*': "+447700900123" -> "+44*******23". Used for every message logged.
std::string mask_identifiers(std::string_view text);

// Escapes text for a JSON string literal (without the quotes).
std::string json_escape(std::string_view text);

}  // namespace mvne::log
