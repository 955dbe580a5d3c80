// JSON strings written by the SDK toolkit for every text value of a page of records.
#include <mvne/toolkit/request_params.hpp>

#include <gtest/gtest.h>

#include <string>

namespace mvne::toolkit {
namespace {

// JSON strings: plain ASCII quoted as it is, everything else escaped (RFC 8259), bytes that
// are not UTF-8 replaced, never passed through into the JSON.
TEST(PluginText, WritesJsonStrings) {
  EXPECT_EQ(json_string("2026-11-02T00:30:00Z"), "\"2026-11-02T00:30:00Z\"");
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("tab\there\n"), "\"tab\\there\\n\"");
  EXPECT_EQ(json_string(std::string("nul\0", 4)), "\"nul\\u0000\"");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
  EXPECT_EQ(json_string("東京"), "\"東京\"");
  EXPECT_EQ(json_string("bad\xff"), "\"bad\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace mvne::toolkit
