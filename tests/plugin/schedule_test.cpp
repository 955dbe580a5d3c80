#include "core/jobs/schedule.h"

#include <gtest/gtest.h>

namespace mvne::jobs {
namespace {

using namespace std::chrono;

// Interval and daily schedules compute their next run; bad ones are refused.
TEST(Schedule, ParsesAndComputesNextRun) {
  Clock::time_point t0 = sys_days{year{2026} / 11 / 27} + hours(3);
  auto every = Schedule::parse("every 5m");
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->next_after(t0), t0 + minutes(5));
  // On multiples of the interval: every host computes the same due time.
  EXPECT_EQ(every->next_after(t0 + seconds(61)), t0 + minutes(5));
  EXPECT_EQ(every->next_after(t0 + minutes(5)), t0 + minutes(10));
  auto daily = Schedule::parse("daily 02:30");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->next_after(t0), sys_days{year{2026} / 11 / 28} + hours(2) + minutes(30));
  auto later_today = Schedule::parse("daily 04:00");
  EXPECT_EQ(later_today->next_after(t0), sys_days{year{2026} / 11 / 27} + hours(4));
  for (const char* bad : {"every", "every 0s", "every 5x", "daily 25:00", "hourly", "daily 2:30"}) {
    EXPECT_FALSE(Schedule::parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace mvne::jobs
