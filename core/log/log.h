// Host logging on spdlog: text or JSON lines, a component and a request id on every line
// written for a request. Phone numbers and IMSIs in messages are masked (mask.h) and every
// field is escaped (escape.h) before writing: one event is always one line, a text line
// holds no control characters and a JSON line is valid JSON, whatever the message held.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/log/escape.h"
#include "core/log/mask.h"

namespace mvne::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

// Sets up the process logger; fails when the log file cannot be opened. A log file is
// created 0600 and never opened through a symbolic link.
Status init(const config::LogSettings& settings);

// Opens the log file again by its name (after logrotate moved it away); standard error
// needs nothing. On failure the old file stays in use and the reason is returned.
Status reopen();

// True when a line of `level` would be written.
bool enabled(Level level);

// Changes the level at run time (on reload).
void set_level(const std::string& level);

// Changes log.burst at run time (on reload): warning and error lines per component in 10 s.
void set_burst(int burst);

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

}  // namespace mvne::log
