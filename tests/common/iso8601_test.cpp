// The one ISO 8601 parser (SDK toolkit) that the host, mvnectl and the plugins share.
#include <mvne/toolkit/iso8601.hpp>

#include <gtest/gtest.h>

namespace mvne::toolkit {
namespace {

constexpr int64_t kSecond = 1000000;
// 2026-11-02T00:30:00Z
constexpr int64_t kNov2At0030 = 1793579400 * kSecond;

int64_t us(const char* text) {
  IsoTime t;
  std::string error;
  EXPECT_TRUE(parse_iso8601(text, t, &error)) << text << ": " << error;
  return t.us;
}

std::string why(const char* text) {
  IsoTime t;
  std::string error;
  EXPECT_FALSE(parse_iso8601(text, t, &error)) << text;
  return error;
}

// Every accepted spelling of one instant reads as that instant.
TEST(Iso8601, ReadsEverySpellingOfOneInstant) {
  for (const char* text :
       {"2026-11-02T00:30:00Z", "2026-11-02T09:30:00+09:00", "2026-11-02T09:30:00+0900",
        "2026-11-02T09:30+09", "2026-11-02 09:30:00+09:00", "2026-11-02t00:30z",
        "2026-11-01T19:30:00-05:00", "2026-11-02T09:30:00 +09:00"}) {
    EXPECT_EQ(us(text), kNov2At0030) << text;
  }
}

// A '+' decoded to a space in a query string still reads as '+'.
TEST(Iso8601, ReadsASpaceForThePlusOfAQueryString) {
  EXPECT_EQ(us("2026-11-02T09:30:00 09:00"), kNov2At0030);
}

// Fractions of 1 to 9 digits are kept to the microsecond; offsets are reported.
TEST(Iso8601, KeepsFractionsAndOffsets) {
  EXPECT_EQ(us("2026-11-02T00:30:00.25Z"), kNov2At0030 + 250000);
  EXPECT_EQ(us("2026-11-02T00:30:00.123456789Z"), kNov2At0030 + 123456);
  IsoTime t;
  ASSERT_TRUE(parse_iso8601("2026-11-02T09:30:00+09:00", t));
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(t.offset_s, 9 * 3600);
  ASSERT_TRUE(parse_iso8601("2026-11-02T00:30:00", t));
  EXPECT_FALSE(t.has_offset);
  EXPECT_EQ(t.us, kNov2At0030);
  ASSERT_TRUE(parse_iso8601("2026-11-02", t));
  EXPECT_TRUE(t.date_only);
  EXPECT_EQ(t.us, kNov2At0030 - 30 * 60 * kSecond);
}

// What is refused, and the reason given.
TEST(Iso8601, RefusesWithAReason) {
  EXPECT_EQ(why("2026-02-29"), "no such date");
  EXPECT_EQ(why("2024-13-01T00:00Z"), "no such date");
  EXPECT_EQ(why("2026-11-02T24:00:00Z"), "no such time of day");
  EXPECT_EQ(why("2026-12-31T23:59:60Z"), "no such time of day");
  EXPECT_EQ(why("2026-11-02T09:30:00.Z"), "a fraction of seconds has 1 to 9 digits");
  EXPECT_EQ(why("2026-11-02T09:30:00.1234567890Z"), "a fraction of seconds has 1 to 9 digits");
  EXPECT_EQ(why("2026-11-02T09:30:00+14:30"), "expected Z or an offset like +09:00 after the time");
  EXPECT_EQ(why("2026-11-02T09:30:00+09:00x"),
            "expected Z or an offset like +09:00 after the time");
  EXPECT_EQ(why("yesterday"), "expected YYYY-MM-DD at the start");
  EXPECT_EQ(why("2026-11-02X09:30"), "expected T between the date and the time");
  EXPECT_EQ(why("2026-11-02T9:30"), "expected HH:MM after the date");
}

// Formatting writes the instant at the offset asked for, and reads back.
TEST(Iso8601, FormatsAtAnOffset) {
  EXPECT_EQ(format_iso8601(kNov2At0030), "2026-11-02T00:30:00Z");
  EXPECT_EQ(format_iso8601(kNov2At0030, 9 * 3600), "2026-11-02T09:30:00+09:00");
  EXPECT_EQ(format_iso8601(kNov2At0030, -(5 * 3600 + 30 * 60)), "2026-11-01T19:00:00-05:30");
  EXPECT_EQ(format_iso8601(us("1969-07-20T20:17:40Z")), "1969-07-20T20:17:40Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace mvne::toolkit
