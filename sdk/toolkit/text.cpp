#include <mvne/toolkit/text.hpp>

#include <mvne/toolkit/iso8601.hpp>

#include <charconv>

namespace mvne::toolkit {

std::optional<int64_t> parse_offset(std::string_view s) {
  int32_t offset = 0;
  if (!s.empty() && !parse_utc_offset(s, offset)) return std::nullopt;
  return offset;
}

std::optional<int64_t> parse_time(std::string_view s, int64_t default_offset_s,
                                  bool offset_required) {
  IsoTime t;
  if (!parse_iso8601(s, t) || t.date_only) return std::nullopt;
  if (t.has_offset) return t.us;
  if (offset_required) return std::nullopt;
  return t.us - default_offset_s * 1000000;
}

std::optional<int64_t> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string format_time(int64_t us) { return format_iso8601(us); }

std::string_view trim(std::string_view text) {
  size_t b = text.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = text.find_last_not_of(" \t\r");
  return text.substr(b, e - b + 1);
}

}  // namespace mvne::toolkit
