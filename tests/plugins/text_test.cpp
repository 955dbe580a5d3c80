// The toolkit's value parsing: ISO 8601 times with offsets, numbers (CSV: tests/common).
#include <mvne/toolkit/text.hpp>

#include <gtest/gtest.h>

#include "core/common/csv.h"
#include "core/common/time.h"

namespace mvne::toolkit {
namespace {

TEST(PluginText, ParsesTimesLikeTheHost) {
  for (const char* iso : {"2026-11-02T09:30:00+09:00", "2026-11-02T00:30:00Z",
                          "2026-02-28T23:59:59-05:00", "2024-02-29T12:00:00.250Z"}) {
    EXPECT_EQ(parse_time(iso), parse_time_us(iso).value()) << iso;
  }
  EXPECT_EQ(parse_time("2026-11-02T09:30:00+0900"), parse_time_us("2026-11-02T00:30:00Z").value());
  EXPECT_EQ(parse_time("2026-11-02 09:30:00", 9 * 3600, false),
            parse_time_us("2026-11-02T00:30:00Z").value());
  for (const char* bad :
       {"2026-11-02T09:30:00", "2026-02-29T00:00:00Z", "2026-11-02T24:00:00Z", "2026-11-02",
        "yesterday", "2026-11-02T09:30:00+25:00", "2026-11-02T09:30:00+09:00x"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
  EXPECT_EQ(format_time(parse_time_us("1999-12-31T23:59:59Z").value()), "1999-12-31T23:59:59Z");
  EXPECT_EQ(format_time(parse_time_us("1969-07-20T20:17:40Z").value()), "1969-07-20T20:17:40Z");
}

// Plugins and host read times and CSV by the same rules (one parser): what one accepts the
// other accepts, what one refuses the other refuses.
TEST(PluginText, AgreesWithTheHostOnEveryForm) {
  for (const char* iso : {"2026-11-02T09:30+09:00", "2026-11-02T09:30:00 09:00",
                          "2026-11-02T09:30:00.123456789Z", "2026-11-02t09:30:00z"}) {
    ASSERT_TRUE(parse_time_us(iso).ok()) << iso;
    EXPECT_EQ(parse_time(iso), parse_time_us(iso).value()) << iso;
  }
  for (const char* bad :
       {"2026-12-31T23:59:60Z", "2026-11-02T09:30:00.1234567890Z", "2026-11-02T09:30:00+15:00"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
    EXPECT_FALSE(parse_time_us(bad).ok()) << bad;
  }
  std::vector<std::string> f;
  EXPECT_FALSE(split_csv(R"("ab"c,d)", f));
  EXPECT_FALSE(parse_csv_line(R"("ab"c,d)").ok());
  ASSERT_TRUE(split_csv(R"(ab"c,d)", f));
  EXPECT_EQ(parse_csv_line(R"(ab"c,d)").value(), f);
}

TEST(PluginText, ParsesIntegers) {
  EXPECT_EQ(parse_int(" 42 "), 42);
  EXPECT_EQ(parse_int("+7"), 7);
  EXPECT_EQ(parse_int("-3"), -3);
  EXPECT_FALSE(parse_int("4x"));
  EXPECT_FALSE(parse_int(""));
  EXPECT_FALSE(parse_int("99999999999999999999"));
}

}  // namespace
}  // namespace mvne::toolkit
