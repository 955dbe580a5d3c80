#include "core/jobs/schedule.h"

#include <charconv>

namespace mvne::jobs {
namespace {

bool parse_number(const std::string& s, long& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

StatusOr<Schedule> Schedule::parse(const std::string& text) {
  Schedule schedule;
  const std::string every = "every ";
  const std::string daily = "daily ";
  if (text.rfind(every, 0) == 0 && text.size() > every.size() + 1) {
    std::string amount = text.substr(every.size(), text.size() - every.size() - 1);
    char unit = text.back();
    long n = 0;
    long scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
    if (scale != 0 && parse_number(amount, n) && n > 0 && n <= 7L * 24 * 3600 / scale) {
      schedule.every_ = std::chrono::seconds(n * scale);
      return schedule;
    }
  } else if (text.rfind(daily, 0) == 0 && text.size() == daily.size() + 5 &&
             text[daily.size() + 2] == ':') {
    long h = 0, m = 0;
    if (parse_number(text.substr(daily.size(), 2), h) &&
        parse_number(text.substr(daily.size() + 3, 2), m) && h < 24 && m < 60) {
      schedule.daily_offset_ = std::chrono::seconds(h * 3600 + m * 60);
      return schedule;
    }
  }
  return Status::Invalid("schedule '" + text +
                         "': expected 'every N{s,m,h}' or 'daily HH:MM' (UTC)");
}

Clock::time_point Schedule::next_after(Clock::time_point now) const {
  if (every_.count() > 0) {
    // On multiples of the interval since the epoch: hosts sharing a database agree on when
    // an occurrence is due, and so on which one they claim.
    auto since = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch());
    return Clock::time_point((since / every_ + 1) * every_);
  }
  auto midnight = std::chrono::floor<std::chrono::days>(now);
  auto next = midnight + daily_offset_;
  return next > now ? next : next + std::chrono::days(1);
}

}  // namespace mvne::jobs
