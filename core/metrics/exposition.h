// The Prometheus text exposition format's small rules, shared by the host's metrics and the
// plugins'.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

namespace mvne::metrics {

// A label value escaped as the format requires.
inline std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// The shortest fixed-point text that reads back as exactly `value`: a stream's default 6
// significant digits would turn a growing sum into steps (1.23457e+06) and break rate().
inline std::string number(double value) {
  char buf[400];  // the longest fixed form of a double
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

}  // namespace mvne::metrics
