// Job schedules: "every 30s" / "every 5m" / "every 2h" (on multiples of the interval since
// the epoch, UTC), or "daily HH:MM" (UTC).
#pragma once

#include <chrono>
#include <string>

#include "core/common/status.h"

namespace mvne::jobs {

using Clock = std::chrono::system_clock;

class Schedule {
 public:
  static StatusOr<Schedule> parse(const std::string& text);
  // The first run time strictly after `now`; the same on every host.
  Clock::time_point next_after(Clock::time_point now) const;

 private:
  Schedule() = default;
  std::chrono::seconds every_{0};          // interval schedules
  std::chrono::seconds daily_offset_{-1};  // seconds after UTC midnight, daily schedules
};

}  // namespace mvne::jobs
