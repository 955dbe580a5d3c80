#include "core/common/time.h"

#include <chrono>
#include <cstdio>
#include <regex>

namespace mvne {

StatusOr<int64_t> parse_time_us(std::string_view text) {
  static const std::regex kIso(
      R"((\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?)");
  std::cmatch m;
  std::string s(text);
  if (!std::regex_match(s.c_str(), m, kIso)) {
    return Status::Invalid("time '" + s +
                           "': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]");
  }
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(m[1])}, month{static_cast<unsigned>(std::stoi(m[2]))},
                     day{static_cast<unsigned>(std::stoi(m[3]))}};
  if (!ymd.ok()) return Status::Invalid("time '" + s + "': no such date");
  int hh = m[4].matched ? std::stoi(m[4]) : 0;
  int mm = m[5].matched ? std::stoi(m[5]) : 0;
  int ss = m[6].matched ? std::stoi(m[6]) : 0;
  if (hh > 23 || mm > 59 || ss > 60)
    return Status::Invalid("time '" + s + "': no such time of day");
  int64_t fraction = 0;
  if (m[7].matched) {
    std::string f = m[7].str();
    f.resize(6, '0');
    fraction = std::stoll(f);
  }
  int64_t offset_s = 0;
  if (m[8].matched && m[8].str() != "Z") {
    std::string o = m[8].str();
    int sign = o[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : o.substr(1)) {
      if (c != ':') digits += c;
    }
    offset_s = int64_t{sign} * (int64_t{std::stoi(digits.substr(0, 2))} * 3600 +
                                int64_t{std::stoi(digits.substr(2, 2))} * 60);
  }
  int64_t seconds = int64_t{sys_days(ymd).time_since_epoch().count()} * 86400 + int64_t{hh} * 3600 +
                    int64_t{mm} * 60 + ss - offset_s;
  return seconds * 1000000 + fraction;
}

std::string format_time_us(int64_t us) {
  if (us == kForever) return "";
  using namespace std::chrono;
  auto tp = sys_time<microseconds>(microseconds(us));
  auto days = floor<std::chrono::days>(tp);
  year_month_day ymd(days);
  hh_mm_ss hms(floor<seconds>(tp - days));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace mvne
