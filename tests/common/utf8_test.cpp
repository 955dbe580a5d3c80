// UTF-8 validation (SDK toolkit): where the first bad byte is, per RFC 3629.
#include <mvne/toolkit/utf8.hpp>

#include <gtest/gtest.h>

namespace mvne::toolkit {
namespace {

constexpr size_t kValid = std::string_view::npos;

// Text in any script is valid; the offset of the first bad byte is reported otherwise.
TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(first_invalid_utf8("plain, \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\x9E"), kValid);
  EXPECT_EQ(first_invalid_utf8("ok \x93\xfa\x96\x7b"), 3u);  // Shift-JIS
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);             // overlong
  EXPECT_EQ(first_invalid_utf8("a\xED\xA0\x80"), 1u);        // a surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);     // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ab\xE6\x97"), 2u);           // cut short
}

}  // namespace
}  // namespace mvne::toolkit
