#include "core/config/ini.h"

#include <gtest/gtest.h>

namespace mvne::config {
namespace {

// Entries keep their section and the file:line they came from.
TEST(Ini, ReadsSectionsKeysAndOrigins) {
  auto entries = parse_ini(
      "# comment\n[http]\nlisten = 127.0.0.1:9000\n\n[plugin.sms]\n"
      "spool=/var/spool/sms ; not a comment\n",
      "a.conf");
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(entries.value()[0].section, "http");
  EXPECT_EQ(entries.value()[0].value, "127.0.0.1:9000");
  EXPECT_EQ(entries.value()[0].origin, "a.conf:3");
  EXPECT_EQ(entries.value()[1].section, "plugin.sms");
  EXPECT_EQ(entries.value()[1].value, "/var/spool/sms ; not a comment");
}

// Malformed lines are refused with file and line.
TEST(Ini, RefusesMalformedLinesNamingTheLine) {
  EXPECT_EQ(parse_ini("[http\n", "x.conf").status().message(),
            "x.conf:1: section header lacks ']'");
  EXPECT_EQ(parse_ini("[http]\nlisten\n", "x.conf").status().message(),
            "x.conf:2: expected 'key = value' or '[section]'");
  EXPECT_EQ(parse_ini("listen = 1\n", "x.conf").status().message(),
            "x.conf:1: key outside of any [section]");
  EXPECT_EQ(parse_ini("[a]\nk = 1\nk = 2\n", "x.conf").status().message(),
            "x.conf:3: key 'a.k' is set twice");
}

// --set splits at the last dot so plugin sections work.
TEST(Ini, OverrideSplitsAtTheLastDot) {
  auto e = parse_override("plugin.sms.spool=/tmp/s");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->section, "plugin.sms");
  EXPECT_EQ(e->key, "spool");
  EXPECT_EQ(e->value, "/tmp/s");
  EXPECT_FALSE(parse_override("nodot=1").ok());
  EXPECT_FALSE(parse_override("http.listen").ok());
}

}  // namespace
}  // namespace mvne::config
