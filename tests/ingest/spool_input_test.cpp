// What a spool file may hold and what the spooler does with it, on SQLite and MariaDB: bad
// lines are quarantined one by one (bytes kept) while the rest of the file is stored; the CSV
// dialect of the README (BOM, any line ending, quoted line breaks); links are refused, never
// followed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/voice_spool.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

class SpoolInputTest : public VoiceSpoolTest {
 protected:
  // (reason, payload) of each quarantined line, by line number.
  std::map<int64_t, std::pair<std::string, nlohmann::json>> quarantine() {
    auto rows = db_.db()->query("SELECT reason, payload FROM quarantine", {});
    EXPECT_TRUE(rows.ok());
    std::map<int64_t, std::pair<std::string, nlohmann::json>> out;
    for (const auto& row : rows.value()) {
      auto payload = nlohmann::json::parse(storage::as_text(row[1]));
      out[payload["line"].get<int64_t>()] = {storage::as_text(row[0]), payload};
    }
    return out;
  }
};

// A Shift-JIS line, a line of 2 MiB and an unclosed quote go to quarantine each with its
// reason and bytes; the good lines around them are stored, the file is done, not failed.
TEST_P(SpoolInputTest, BadLinesAreQuarantinedAndTheRestStored) {
  const std::string sjis = "\x93\xfa\x96\x7b";  // "Japan" in Shift-JIS
  const std::string long_line = native_call("v3") + "," + std::string(2 << 20, 'x');
  std::string text = std::string(kNativeCallHeader) + "\n" + native_call("v1") + "\n" + native_call("v2", sjis) + "\n" +
                     long_line + "\n" + native_call("v4") + "\n\"v5,unclosed\n" + native_call("v6") + "\n";
  dir_.write("voice/bad-lines.csv", text);
  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 1);
  EXPECT_TRUE(fs::exists(voice() + "/done/bad-lines.csv"));
  EXPECT_EQ(stored(), 3u);  // v1, v4, v6
  EXPECT_EQ(quarantined(), 3u);
  auto q = quarantine();
  ASSERT_EQ(q.size(), 3u);
  std::string exact = native_call("v2", sjis);
  EXPECT_EQ(q[3].first, "not UTF-8: byte " + std::to_string(exact.size() - sjis.size() + 1) +
                            " does not begin a valid UTF-8 sequence");
  EXPECT_EQ(q[3].second["raw_base64"].get<std::string>().size(), (exact.size() + 2) / 3 * 4);
  EXPECT_EQ(q[4].first, "line longer than 1048576 bytes (" + std::to_string(long_line.size()) +
                            " bytes; the first 4096 are kept)");
  EXPECT_EQ(q[4].second["raw"].get<std::string>().size(), 4096u);
  EXPECT_EQ(q[6].first, "a quoted field is not closed");
  EXPECT_EQ(q[6].second["raw"], "\"v5,unclosed");
}

// The dialect the README cites: a BOM before the header, CR-only line endings, a quoted field
// holding line breaks and quotes.
TEST_P(SpoolInputTest, ReadsBomCrLineEndingsAndQuotedLineBreaks) {
  std::string text = "\xEF\xBB\xBF" + std::string(kNativeCallHeader) + "\r" + native_call("v1") + "\r" +
                     native_call("v2", "\"NO\r\nANSWER, \"\"busy\"\"\"") + "\r" + native_call("v3") + "\r";
  dir_.write("voice/dialect.csv", text);
  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 1);
  EXPECT_TRUE(fs::exists(voice() + "/done/dialect.csv"))
      << read_file(voice() + "/failed/dialect.csv.err");
  EXPECT_EQ(stored(), 3u);
  EXPECT_EQ(quarantined(), 0u);
}

// A link in the spool is not read: it goes to failed/ with a report; its target is untouched.
TEST_P(SpoolInputTest, LinksInTheSpoolAreRefusedUnread) {
  std::string target = dir_.write("elsewhere.csv", std::string(kNativeCallHeader) + "\n" + native_call("v1") + "\n");
  fs::create_directories(voice());
  fs::create_symlink(target, voice() + "/link.csv");
  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 0);
  EXPECT_EQ(stored(), 0u);
  EXPECT_TRUE(fs::is_symlink(voice() + "/failed/link.csv"));
  EXPECT_NE(read_file(voice() + "/failed/link.csv.err").find("a symbolic link, not a regular file"),
            std::string::npos);
  EXPECT_EQ(read_file(target), std::string(kNativeCallHeader) + "\n" + native_call("v1") + "\n");
}

// A report is never written through a link planted where it would go.
TEST_P(SpoolInputTest, APlantedReportLinkIsNotFollowed) {
  std::string victim = dir_.write("victim.txt", "precious\n");
  fs::create_directories(voice() + "/failed");
  fs::create_symlink(victim, voice() + "/failed/broken.csv.err");
  dir_.write("voice/broken.csv", "no,such,columns\n");
  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 1);
  EXPECT_EQ(read_file(victim), "precious\n");
  EXPECT_TRUE(fs::exists(voice() + "/failed/broken.csv"));
  EXPECT_NE(read_file(voice() + "/failed/broken.csv.err.1").find("the header lacks"),
            std::string::npos);
}

// A file reached while its plugin is stopping is not the file's fault: it goes back to the
// spool, to be read again, never to failed/ (the file before it is finished and done).
TEST(SpoolRetry, AFileReachedWhileItsPluginStopsWaitsInTheSpool) {
  TempDir spool;
  InProcessHost host(fixture_settings(
      {"ledger"}, {"plugin.ledger.spool_dir=" + spool.path(), "plugin.ledger.ingest_delay_ms=800"}));
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  spool.write("a.csv", "first\n");  // one field a line: the ledger stores nothing
  spool.write("b.csv", "second\n");
  ingest::Spooler spooler(&host.plugins(), 1);
  std::thread poll([&] { spooler.poll(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a.csv is being read
  host.plugins().stop_all(std::chrono::milliseconds(5000));
  poll.join();
  EXPECT_TRUE(fs::exists(spool.path() + "/done/a.csv"));
  EXPECT_TRUE(fs::exists(spool.path() + "/b.csv")) << "back in the spool";
  EXPECT_FALSE(fs::exists(spool.path() + "/failed/b.csv"));
  EXPECT_EQ(host.metrics().render().find("outcome=\"failed\""), std::string::npos);
}

// A file read while the database is away (a MariaDB restart; on Galera, a conflict that
// outlasts its retries) is not the file's fault either: voice_cdr's records are refused by
// the host as unavailable, and the file goes back to the spool, never to failed/.
TEST(SpoolRetry, AFileReadWhileTheDatabaseIsDownWaitsInTheSpool) {
  ThrowawayMariaDb server;
  auto db = storage::Database::open(server.settings());
  ASSERT_TRUE(db.ok()) << db.status().message();
  TempDir spool;
  InProcessHost host(fixture_settings({"voice_cdr"}, {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
                                                      "plugin.voice_cdr.spool_dir=" + spool.path()}),
                     db.value());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  server.stop();
  spool.write("a.csv", std::string(kNativeCallHeader) + "\n" + native_call("c1") + "\n");
  ingest::Spooler spooler(&host.plugins(), 1);
  spooler.poll();
  EXPECT_TRUE(fs::exists(spool.path() + "/a.csv")) << "back in the spool";
  EXPECT_FALSE(fs::exists(spool.path() + "/failed/a.csv"));
  EXPECT_NE(host.metrics().render().find("outcome=\"retry\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SpoolInputTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
