// The records part of the C++ wrapper (mvne/plugin.hpp), through a plugin that uses it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

TEST(SdkWrapper, SpoolRecordKindPagingAndSums) {
  TempDir spool;
  InProcessHost host(fixture_settings({"tally"}, {"plugin.tally.spool_dir=" + spool.path()}));
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  auto& dir = *host.services().directory;
  ASSERT_TRUE(dir.add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"tally"}}).ok());
  ASSERT_TRUE(dir.add_plan({0, "acme", "p", "p", 0, 0, 1, 0, 0, ""}).ok());
  ASSERT_TRUE(dir.add_subscriber({0, "acme", "holder", "s", "p", "h@acme.example"}).ok());
  for (const char* msisdn : {"09060000001", "09060000002"}) {
    ASSERT_TRUE(dir.assign({"acme", "holder", "", msisdn, "", "", 0, kForever}).ok());
  }
  std::string key = host.services().keys->create("acme", "t", now_us() + 86400000000LL)->token;
  spool.write("events.txt",
              "e1 1000 09060000001 5\ne2 2000 09060000001 7\ne3 3000 09060000002 11\n");
  ingest::Spooler spooler(&host.plugins());
  ASSERT_EQ(spooler.poll(), 1);

  auto get = [&](const std::string& target) {
    return http_get(host.port(), target, {{"Authorization", "Bearer " + key}});
  };
  auto first = get("/api/tally/list");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.body.substr(0, first.body.find("next=")),
            "e1 +819060000001 5\ne2 +819060000001 7\n");
  std::string next = first.body.substr(first.body.find("next=") + 5);
  ASSERT_FALSE(next.empty());
  auto second = get("/api/tally/list?cursor=" + next);
  EXPECT_EQ(second.body, "e3 +819060000002 11\nnext=");
  EXPECT_EQ(get("/api/tally/sum").body, "+819060000001=12\n+819060000002=11\n");

  // The same content again, under another name, is recognised and not read twice.
  spool.write("events-again.txt",
              "e1 1000 09060000001 5\ne2 2000 09060000001 7\ne3 3000 09060000002 11\n");
  ASSERT_EQ(spooler.poll(), 1);
  EXPECT_TRUE(std::filesystem::exists(spool.path() + "/done/events-again.txt"));
  EXPECT_EQ(host.metrics().ingest_records("tally", "stored"), 3u);
  EXPECT_EQ(host.metrics().ingest_records("tally", "duplicate"), 0u) << "the file was not re-read";
  // A file the plugin cannot read goes to failed/ with a report; nothing is lost.
  spool.write("broken.txt", "e9 not-a-time 09060000001 5\n");
  ASSERT_EQ(spooler.poll(), 1);
  EXPECT_TRUE(std::filesystem::exists(spool.path() + "/failed/broken.txt"));
  std::ifstream report(spool.path() + "/failed/broken.txt.err");
  std::string first_line;
  std::getline(report, first_line);
  EXPECT_NE(first_line.find("exception"), std::string::npos) << first_line;
  auto metrics = http_get(host.port(), "/metrics").body;
  EXPECT_NE(
      metrics.find(R"(mvne_ingest_files_total{plugin="tally",outcome="skipped_same_content"} 1)"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(mvne_ingest_files_total{plugin="tally",outcome="failed"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace mvne::testing
