#include "core/log/log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace mvne::log {
namespace {

// Numbers long enough to be MSISDNs or IMSIs keep only their first and last two digits.
TEST(Log, MasksPhoneNumbersAndImsis) {
  EXPECT_EQ(mask_identifiers("call from +447700900123 to 0312345678"),
            "call from +44********23 to 03******78");
  EXPECT_EQ(mask_identifiers("imsi 440101234567890 seen"), "imsi 44***********90 seen");
  EXPECT_EQ(mask_identifiers("port 8080, 3 retries, id 123456"), "port 8080, 3 retries, id 123456");
}

// JSON lines are valid JSON, carry the request id, and are masked too.
TEST(Log, JsonLinesCarryRequestIdAndAreMasked) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.format = "json";
  settings.file = dir.path() + "/host.log";
  ASSERT_TRUE(init(settings).ok());
  write(Level::kInfo, "plugin:sms", "abc-1", "sent \"hi\" to 09012345678");
  std::ifstream in(settings.file);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["request_id"], "abc-1");
  EXPECT_EQ(json["component"], "plugin:sms");
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["msg"], "sent \"hi\" to 09*******78");
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
}

// An unwritable log file is a configuration error, not a crash.
TEST(Log, UnwritableFileIsAnError) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.file = dir.write("not-a-dir", "") + "/x.log";  // its parent is a file
  Status st = init(settings);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("log.file"), std::string::npos);
}

}  // namespace
}  // namespace mvne::log
