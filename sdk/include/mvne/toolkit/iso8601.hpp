/* The one ISO 8601 time parser of the platform: the host, mvnectl and the plugins all read
 * times with it, so a time one of them accepts is accepted by all (docs/input.md).
 * Header-only C++17, standard library only; part of the SDK toolkit, not of the plugin ABI.
 *
 * Accepted forms (and nothing else):
 *   2026-11-02                       a date (date_only; what day it means is the caller's rule)
 *   2026-11-02T09:30                 hours and minutes
 *   2026-11-02T09:30:05              with seconds (00..59; a leap second 60 is refused)
 *   2026-11-02T09:30:05.123456789    with a fraction of 1..9 digits (kept to the microsecond)
 *   ...Z  ...+09:00  ...+0900  ...+09  ...-05:00     an offset (at most 14:00 either way)
 * The T may be a space or a lower-case t, Z may be z. A space may stand before the offset,
 * and a space in place of the `+` ("...T09:30:00 09:00") is read as `+`: in a URL query
 * string a `+` decodes to a space (writing it as %2B works too). */
#ifndef MVNE_TOOLKIT_ISO8601_HPP
#define MVNE_TOOLKIT_ISO8601_HPP

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace mvne::toolkit {

struct IsoTime {
  int64_t us = 0;           // the instant, microseconds since the epoch (UTC); for a time
                            // without offset or a date: read as UTC
  bool date_only = false;   // "YYYY-MM-DD" alone
  bool has_offset = false;  // Z or an explicit offset was given
  int32_t offset_s = 0;     // that offset, seconds east of UTC
};

namespace iso8601_detail {

inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

inline bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

inline unsigned days_in_month(int64_t y, int64_t m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

inline bool fail(std::string* error, const char* why) {
  if (error != nullptr) *error = why;
  return false;
}

}  // namespace iso8601_detail

/* "Z", "+09:00", "+0900", "+09", "-05:00" as seconds east of UTC; a leading space is read
 * as `+` (see above). False when malformed or beyond 14:00. */
inline bool parse_utc_offset(std::string_view s, int32_t& out) {
  using iso8601_detail::digits;
  if (s == "Z" || s == "z") {
    out = 0;
    return true;
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-' && s[0] != ' ')) return false;
  int64_t hh = 0, mm = 0;
  bool ok = (s.size() == 3 && digits(s, 1, 2, hh)) ||
            (s.size() == 5 && digits(s, 1, 2, hh) && digits(s, 3, 2, mm)) ||
            (s.size() == 6 && s[3] == ':' && digits(s, 1, 2, hh) && digits(s, 4, 2, mm));
  if (!ok || mm > 59 || hh * 60 + mm > 14 * 60) return false;
  int32_t seconds = static_cast<int32_t>(hh * 3600 + mm * 60);
  out = s[0] == '-' ? -seconds : seconds;
  return true;
}

/* Parses `text` (the forms above, nothing around them). On failure returns false and, when
 * `error` is given, says what is wrong in a few words ("no such date", ...). */
inline bool parse_iso8601(std::string_view s, IsoTime& out, std::string* error = nullptr) {
  using iso8601_detail::digits;
  using iso8601_detail::fail;
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return fail(error, "expected YYYY-MM-DD at the start");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > iso8601_detail::days_in_month(y, mo))
    return fail(error, "no such date");
  out = IsoTime{};
  const int64_t day_us =
      iso8601_detail::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) *
      86400 * 1000000;
  if (s.size() == 10) {
    out.us = day_us;
    out.date_only = true;
    return true;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
    return fail(error, "expected T between the date and the time");
  if (!digits(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mi))
    return fail(error, "expected HH:MM after the date");
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec)) return fail(error, "expected two digits of seconds");
    pos += 3;
  }
  if (h > 23 || mi > 59 || sec > 59) return fail(error, "no such time of day");
  int64_t fraction = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',') && pos == 19) {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    size_t n = pos - start;
    if (n == 0 || n > 9) return fail(error, "a fraction of seconds has 1 to 9 digits");
    for (size_t i = 0; i < 6; ++i) fraction = fraction * 10 + (i < n ? s[start + i] - '0' : 0);
  }
  std::string_view zone = s.substr(pos);
  if (zone.size() > 1 && zone[0] == ' ' && (zone[1] == '+' || zone[1] == '-' || zone[1] == 'Z'))
    zone.remove_prefix(1);
  if (!zone.empty()) {
    if (!parse_utc_offset(zone, out.offset_s))
      return fail(error, "expected Z or an offset like +09:00 after the time");
    out.has_offset = true;
  }
  out.us = day_us + ((h * 3600 + mi * 60 + sec) - out.offset_s) * 1000000 + fraction;
  return true;
}

/* The instant `us` written at `offset_s` (seconds east of UTC): "2026-11-02T00:30:00Z" at 0,
 * "2026-11-02T09:30:00+09:00" at 32400; to the second (a fraction is cut off). */
inline std::string format_iso8601(int64_t us, int32_t offset_s = 0) {
  int64_t local_us = us + int64_t{offset_s} * 1000000;
  int64_t secs = local_us / 1000000 - (local_us % 1000000 < 0 ? 1 : 0);
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  int64_t rem = secs - days * 86400;
  int64_t z = days + 719468;  // H. Hinnant's civil_from_days
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  // Written digit by digit: this runs for every time in every page of records.
  char buf[32];
  size_t n = 0;
  auto put = [&](int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[n + i] = static_cast<char>('0' + v % 10);
    n += static_cast<size_t>(width);
  };
  if (y < 0 || y > 9999) {
    n = static_cast<size_t>(std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(y)));
  } else {
    put(y, 4);
  }
  buf[n++] = '-';
  put(m, 2);
  buf[n++] = '-';
  put(d, 2);
  buf[n++] = 'T';
  put(rem / 3600, 2);
  buf[n++] = ':';
  put(rem / 60 % 60, 2);
  buf[n++] = ':';
  put(rem % 60, 2);
  if (offset_s == 0) {
    buf[n++] = 'Z';
  } else {
    int32_t a = offset_s < 0 ? -offset_s : offset_s;
    buf[n++] = offset_s < 0 ? '-' : '+';
    put(a / 3600, 2);
    buf[n++] = ':';
    put(a / 60 % 60, 2);
  }
  return std::string(buf, n);
}

}  // namespace mvne::toolkit

#endif  // MVNE_TOOLKIT_ISO8601_HPP
