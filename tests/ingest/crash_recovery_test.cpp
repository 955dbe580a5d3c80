// kill -9 of a real mvne-host in the middle of a spool file, then a restart, on SQLite and
// MariaDB: the claimed file is taken back from .processing/ and read again, and every record
// is stored exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/host_process.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

class CrashRecoveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Rows in voice_cdr's table, and how many distinct record ids they hold.
  std::pair<int64_t, int64_t> counts(platform::Services& services) {
    auto kind = services.records->catalogued("voice_cdr", "cdr");
    if (!kind.ok()) return {0, 0};
    auto rows =
        db_.db()->query("SELECT COUNT(*), COUNT(DISTINCT f_record_id) FROM " + kind->table, {});
    if (!rows.ok() || rows->empty()) return {0, 0};
    return {storage::as_int(rows.value()[0][0]), storage::as_int(rows.value()[0][1])};
  }

  TestDatabase db_{GetParam()};
  TempDir dir_;
};

// The host is killed with SIGKILL after it stored part of a 120,000-line file; the restarted
// host takes the file back and ends with each of the 120,000 calls stored once.
TEST_P(CrashRecoveryTest, KillNineMidFileThenRestartStoresEveryRecordOnce) {
  const std::string config = dir_.write(
      "mvne.conf", "[http]\nlisten = 127.0.0.1:0\n" + storage_section(db_.settings(), dir_) +
                       "[plugins]\ndir = " MVNE_PLUGIN_DIR
                       "\nenabled = voice_cdr\n[plugin.voice_cdr]\nspool_dir = spool\n");
  auto services = platform::Services::on(db_.db(), config::NumberingConfig{});
  CdrScenario s = make_cdr_scenario();
  for (auto& t : s.tenants) t.export_dir = dir_.path() + "/" + t.export_dir;
  apply_directory(s, *services->directory);

  // bravo's 090-1010-0001, one call a second from 2026-11-05T00:00:00+09:00.
  constexpr int kCalls = 120000;
  std::string text =
      "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
      "called_number,call_type,imsi,disposition\n";
  const int64_t base = parse_time_us("2026-11-05T00:00:00+09:00").value();
  for (int i = 0; i < kCalls; ++i) {
    std::string at = format_time_us(base + int64_t{i} * 1000000);
    text += "c" + std::to_string(i) + "," + at + "," + at + "," + at + ",0,0,09010100001," +
            "0311112222,outgoing,,ANSWERED\n";
  }
  std::string part = dir_.write("spool/calls.csv.part", text);

  {
    HostProcess host({"--config", config});
    ASSERT_TRUE(host.started()) << host.err();
    fs::rename(part, dir_.path() + "/spool/calls.csv");
    ASSERT_TRUE(eventually([&] { return counts(*services).first > 0; }, 120)) << host.err();
    host.signal(SIGKILL);
    host.wait(30);
  }
  ASSERT_TRUE(fs::exists(dir_.path() + "/spool/.processing/calls.csv"))
      << "the host finished the file before it was killed";
  ASSERT_LT(counts(*services).first, kCalls);

  HostProcess again({"--config", config});
  ASSERT_TRUE(again.started()) << again.err();
  EXPECT_TRUE(eventually([&] { return fs::exists(dir_.path() + "/spool/done/calls.csv"); }, 180))
      << again.err();
  EXPECT_FALSE(fs::exists(dir_.path() + "/spool/.processing/calls.csv"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/spool/.processing/.calls.csv.claim"));
  EXPECT_EQ(counts(*services), std::make_pair(int64_t{kCalls}, int64_t{kCalls}));
  EXPECT_NE(again.err().find("took back 1 file(s)"), std::string::npos) << again.err();
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashRecoveryTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
