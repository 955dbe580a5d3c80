#include "core/log/log.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
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

// Numbers written with dashes, brackets or spaces are masked like plain ones.
TEST(Log, MasksPhoneNumbersWrittenWithSeparators) {
  EXPECT_EQ(mask_identifiers("GET /api/v1/voice/cdrs/090-1000-0001 -> 200"),
            "GET /api/v1/voice/cdrs/09*-****-**01 -> 200");
  EXPECT_EQ(mask_identifiers("to (090) 1000-0001."), "to (09*) ****-**01.");
  EXPECT_EQ(mask_identifiers("to +81 90 1000 0001, done"), "to +81 ** **** **01, done");
  EXPECT_EQ(mask_identifiers("msisdn=09010000001&x"), "msisdn=09*******01&x");
  EXPECT_EQ(mask_identifiers("iccid 8981100000000000001"), "iccid 89***************01");
}

// Ids a client or operator must find in the log as they got them are left alone: incident
// and request ids, hashes, file names, dates, times, addresses.
TEST(Log, LeavesIdsFileNamesHashesAndDatesAlone) {
  for (const char* text :
       {"incident inc-12948c59-00000001", "req 12948c59-00000001", "file mmsc-20261102.csv",
        "wrote sakura_voice_cdr_cdrs_2026-11-02.csv", "sha256 3a7bd3e2360a3d29eea436fcfb7e44c7",
        "sha256 1234567890abcdef1234", "for 2026-11-02, at 2026-11-02T10:00:00+09:00",
        "day 20261102", "from 192.168.100.200:1813", "key mk_20261102aa", "port 8080 id 123456"}) {
    EXPECT_EQ(mask_identifiers(text), text);
  }
}

// A message cannot forge a log line or act on the terminal that shows the log: newlines,
// ANSI/OSC sequences, C1 controls and bytes that are not UTF-8 are escaped in text lines.
TEST(Log, TextLinesEscapeControlCharacters) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.file = dir.path() + "/host.log";
  ASSERT_TRUE(init(settings).ok());
  write(Level::kInfo, "http", "r\x1b-1",
        "GET /x\n2026-11-02T00:00:00.000+0000 [info] [host] login ok \x1b]0;title\x07"
        "\x1b[31m \xc2\x9b \xe2\x80\xae \xff 東京");
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
  std::ifstream in(settings.file);
  std::string line, rest;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_FALSE(std::getline(in, rest)) << "a second line: " << rest;
  EXPECT_NE(line.find("[req=r\\x1b-1]"), std::string::npos) << line;
  EXPECT_NE(line.find("/x\\n2026"), std::string::npos) << line;
  EXPECT_NE(line.find("\\x1b]0;title\\x07\\x1b[31m \\u009b \\u202e \\xff 東京"), std::string::npos)
      << line;
  for (unsigned char c : line) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << line;
}

// A storm of warnings (every request refused while the database is away) is bounded per
// component by log.burst; info lines and other components are not held back by it.
TEST(Log, WarningsPerComponentAreBoundedByTheBurst) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.file = dir.path() + "/host.log";
  settings.burst = 5;
  ASSERT_TRUE(init(settings).ok());
  for (int i = 0; i < 1000; ++i) write(Level::kWarn, "storm", "r-" + std::to_string(i), "refused");
  for (int i = 0; i < 3; ++i) write(Level::kError, "calm", {}, "one of three");
  for (int i = 0; i < 20; ++i) write(Level::kInfo, "storm", {}, "info is not bounded");
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
  std::ifstream in(settings.file);
  int storm = 0, calm = 0, info = 0;
  for (std::string line; std::getline(in, line);) {
    storm += line.find("[storm] [req=") != std::string::npos;
    calm += line.find("one of three") != std::string::npos;
    info += line.find("info is not bounded") != std::string::npos;
  }
  EXPECT_EQ(storm, 5);
  EXPECT_EQ(calm, 3);
  EXPECT_EQ(info, 20);
}

// JSON lines are valid JSON whatever the message holds (invalid UTF-8 included).
TEST(Log, JsonLinesStayValidWithInvalidUtf8) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.format = "json";
  settings.file = dir.path() + "/host.log";
  ASSERT_TRUE(init(settings).ok());
  write(Level::kWarn, "spool", "", "bad line \xff\xfe\x81 \xe3\x81 end \x1b[2J 東京");
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
  std::ifstream in(settings.file);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto json = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << line;
  EXPECT_EQ(json["msg"], "bad line \ufffd\ufffd\ufffd \ufffd\ufffd end \x1b[2J 東京");
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
}

// The log file is the owner's alone whatever the umask, and a link planted at its name is
// refused rather than followed.
TEST(Log, FileIsOwnerOnlyAndNeverALink) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.file = dir.path() + "/host.log";
  mode_t old = ::umask(0);
  Status st = init(settings);
  ::umask(old);
  ASSERT_TRUE(st.ok()) << st.message();
  struct stat info {};
  ASSERT_EQ(::stat(settings.file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string victim = dir.write("victim", "keep\n");
  std::filesystem::create_symlink(victim, dir.path() + "/link.log");
  settings.file = dir.path() + "/link.log";
  EXPECT_FALSE(init(settings).ok());
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
}

// After the file is moved away, reopen() makes the next lines go to a new file by the name.
TEST(Log, ReopenStartsANewFileAfterARename) {
  testing::TempDir dir;
  config::LogSettings settings;
  settings.file = dir.path() + "/host.log";
  ASSERT_TRUE(init(settings).ok());
  info("host", "before");
  std::filesystem::rename(settings.file, settings.file + ".1");
  info("host", "still the old file");
  ASSERT_TRUE(reopen().ok());
  info("host", "after");
  config::LogSettings back;
  ASSERT_TRUE(init(back).ok());
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  std::string old_file = slurp(settings.file + ".1"), new_file = slurp(settings.file);
  EXPECT_NE(old_file.find("before"), std::string::npos);
  EXPECT_NE(old_file.find("still the old file"), std::string::npos);
  EXPECT_EQ(old_file.find("after"), std::string::npos);
  EXPECT_NE(new_file.find("after"), std::string::npos);
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
