#include "core/common/local_time.h"

#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace mvne {
namespace {

StatusOr<const date::time_zone*> find_zone(const std::string& zone) {
  try {
    return date::locate_zone(zone.empty() ? "UTC" : zone);
  } catch (const std::exception&) {
    return Status::Invalid("time zone '" + zone + "' is not an IANA zone");
  }
}

// Microseconds since the epoch of local midnight starting `day` in `tz`. A midnight that
// does not exist (a DST gap) is the first instant after it.
int64_t local_midnight_us(const date::time_zone* tz, date::local_days day) {
  auto info = tz->get_info(day);
  date::sys_seconds at;
  if (info.result == date::local_info::nonexistent) {
    at = info.first.end;
  } else {
    at = date::sys_seconds{day.time_since_epoch() - info.first.offset};
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

}  // namespace

StatusOr<std::pair<int64_t, int64_t>> local_period(const std::string& zone,
                                                   std::string_view period) {
  auto tz = find_zone(zone);
  if (!tz.ok()) return tz.status();
  int y = 0;
  unsigned m = 0, d = 0;
  char extra = 0;
  std::string text(period);
  int n = std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &extra);
  bool day_form = n == 3 && text.size() == 10;
  bool month_form = n == 2 && text.size() == 7;
  if (!day_form && !month_form) {
    return Status::Invalid("period '" + text + "': expected YYYY-MM or YYYY-MM-DD");
  }
  date::year_month_day first{date::year{y}, date::month{m}, date::day{day_form ? d : 1}};
  if (!first.ok()) return Status::Invalid("period '" + text + "': no such date");
  date::local_days start{first};
  date::local_days end =
      day_form ? start + date::days{1}
               : date::local_days{date::year_month_day{first.year() / first.month() / 1} +
                                  date::months{1}};
  return std::make_pair(local_midnight_us(tz.value(), start), local_midnight_us(tz.value(), end));
}

StatusOr<int64_t> local_to_utc(const std::string& zone, int64_t local_us) {
  auto tz = find_zone(zone);
  if (!tz.ok()) return tz.status();
  int64_t whole = local_us / 1000000 - (local_us % 1000000 < 0 ? 1 : 0);
  date::local_seconds local{std::chrono::seconds{whole}};
  auto info = tz.value()->get_info(local);
  date::sys_seconds at = info.result == date::local_info::nonexistent
                             ? info.first.end
                             : date::sys_seconds{local.time_since_epoch() - info.first.offset};
  return int64_t{at.time_since_epoch().count()} * 1000000 + (local_us - whole * 1000000);
}

StatusOr<int32_t> utc_offset_at(const std::string& zone, int64_t us) {
  auto tz = find_zone(zone);
  if (!tz.ok()) return tz.status();
  date::sys_seconds at{std::chrono::seconds{us / 1000000 - (us % 1000000 < 0 ? 1 : 0)}};
  return static_cast<int32_t>(tz.value()->get_info(at).offset.count());
}

StatusOr<std::string> local_date(const std::string& zone, int64_t us) {
  auto tz = find_zone(zone);
  if (!tz.ok()) return tz.status();
  date::sys_seconds at{std::chrono::seconds{us / 1000000 - (us % 1000000 < 0 ? 1 : 0)}};
  auto local = tz.value()->to_local(at);
  return date::format("%F", date::floor<date::days>(local));
}

std::string add_months(std::string_view month, int months) {
  if (month.size() != 7 || month[4] != '-') return {};
  int year = 0, mon = 0;
  for (size_t i : {0, 1, 2, 3}) {
    if (month[i] < '0' || month[i] > '9') return {};
    year = year * 10 + (month[i] - '0');
  }
  for (size_t i : {5, 6}) {
    if (month[i] < '0' || month[i] > '9') return {};
    mon = mon * 10 + (month[i] - '0');
  }
  if (mon < 1 || mon > 12) return {};
  int index = year * 12 + (mon - 1) + months;
  if (index < 0 || index / 12 > 9999) return {};
  char out[8];
  std::snprintf(out, sizeof out, "%04d-%02d", index / 12, index % 12 + 1);
  return out;
}

}  // namespace mvne
