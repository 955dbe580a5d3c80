// Calendar periods in a tenant's time zone, including days that are not 24 hours long.
#include "core/common/local_time.h"

#include <gtest/gtest.h>

#include "core/common/time.h"

namespace mvne {
namespace {

int64_t t(const char* iso) { return parse_time_us(iso).value(); }

TEST(LocalTime, DaysAndMonthsInAZone) {
  auto day = local_period("Asia/Tokyo", "2026-11-03").value();
  EXPECT_EQ(day.first, t("2026-11-02T15:00:00Z"));
  EXPECT_EQ(day.second, t("2026-11-03T15:00:00Z"));
  auto month = local_period("Asia/Tokyo", "2026-12").value();
  EXPECT_EQ(month.first, t("2026-11-30T15:00:00Z"));
  EXPECT_EQ(month.second, t("2026-12-31T15:00:00Z"));
  EXPECT_EQ(local_period("UTC", "2026-02").value().second, t("2026-03-01T00:00:00Z"));
}

TEST(LocalTime, DaylightSavingChangesTheLengthOfADay) {
  // New York leaves DST on 2026-11-01: that day has 25 hours.
  auto day = local_period("America/New_York", "2026-11-01").value();
  EXPECT_EQ(day.second - day.first, int64_t{25} * 3600 * 1000000);
  auto spring = local_period("America/New_York", "2026-03-08").value();
  EXPECT_EQ(spring.second - spring.first, int64_t{23} * 3600 * 1000000);
}

TEST(LocalTime, LocalDates) {
  EXPECT_EQ(local_date("Asia/Tokyo", t("2026-11-02T15:00:00Z")).value(), "2026-11-03");
  EXPECT_EQ(local_date("Asia/Tokyo", t("2026-11-02T14:59:59Z")).value(), "2026-11-02");
  EXPECT_EQ(local_date("America/New_York", t("2026-11-02T03:00:00Z")).value(), "2026-11-01");
}

TEST(LocalTime, BadInputIsNamed) {
  EXPECT_NE(local_period("Mars/Olympus", "2026-11").status().message().find("Mars/Olympus"),
            std::string::npos);
  for (const char* bad : {"2026-13", "2026-11-31", "26-11", "2026-11-02x", ""}) {
    EXPECT_FALSE(local_period("UTC", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace mvne
