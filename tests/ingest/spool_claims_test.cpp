// Spool claims, on SQLite and MariaDB: claims of dead claimants (this host's dead processes,
// other hosts' expired leases) are taken back and their files read again; live ones are left
// alone.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/common/time.h"
#include "core/ingest/spool_claims.h"
#include "core/ingest/spooler.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

// A native switch line of bravo's number 090-1010-0001 on 2026-11-05.
std::string call(const std::string& id, const std::string& disposition = "ANSWERED") {
  return id +
         ",2026-11-05T10:00:00+09:00,2026-11-05T10:00:04+09:00,2026-11-05T10:01:04+09:00,64,60,"
         "09010100001,0311112222,outgoing,," +
         disposition;
}

const char* kHeader =
    "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
    "called_number,call_type,imsi,disposition";

class SpoolClaimsTest : public ::testing::TestWithParam<std::string> {
 protected:
  SpoolClaimsTest()
      : host_(fixture_settings({"voice_cdr"}, {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
                                               "plugin.voice_cdr.spool_dir=" + voice()}),
              db_.db()) {
    CdrScenario s = make_cdr_scenario();
    for (auto& t : s.tenants) t.export_dir = dir_.path() + "/" + t.export_dir;
    apply_directory(s, *host_.services().directory);
  }
  std::string voice() const { return dir_.path() + "/voice"; }
  uint64_t stored() { return host_.metrics().ingest_records("voice_cdr", "stored"); }
  uint64_t quarantined() { return host_.metrics().ingest_records("voice_cdr", "quarantined"); }

  TestDatabase db_{GetParam()};
  TempDir dir_;
  InProcessHost host_;
};

// Dead claims are taken back and read again; a live claim (this process's, or another
// host's within its lease) is left alone; a file in .processing/ without claim is taken back.
TEST_P(SpoolClaimsTest, DeadClaimsAreTakenBackLiveOnesLeftAlone) {
  const std::string processing = voice() + "/.processing";
  auto claimed = [&](const std::string& name, ingest::Claimant c) {
    dir_.write("voice/.processing/" + name, std::string(kHeader) + "\n" + call(name) + "\n");
    dir_.write("voice/.processing/." + name + ".claim", c.encode());
  };
  ingest::Claimant self = ingest::Claimant::self(now_us() + 60000000);
  ingest::Claimant dead_here = self;
  dead_here.pid = 1;  // init: running, but started at another time than recorded
  dead_here.started = -5;
  ingest::Claimant other_expired = self;
  other_expired.host = "another-host";
  other_expired.lease_until_us = now_us() - 1;
  ingest::Claimant other_live = other_expired;
  other_live.lease_until_us = now_us() + 3600000000LL;
  claimed("a.csv", dead_here);
  claimed("b.csv", other_expired);
  claimed("c.csv", other_live);
  claimed("d.csv", self);
  dir_.write("voice/.processing/e.csv", std::string(kHeader) + "\n" + call("e.csv") + "\n");

  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 3);
  for (const char* name : {"a.csv", "b.csv", "e.csv"})
    EXPECT_TRUE(fs::exists(voice() + "/done/" + name)) << name;
  for (const char* name : {"c.csv", "d.csv"}) {
    EXPECT_TRUE(fs::exists(processing + "/" + name)) << name;
    EXPECT_TRUE(fs::exists(processing + "/." + std::string(name) + ".claim")) << name;
  }
  EXPECT_FALSE(fs::exists(processing + "/.a.csv.claim"));
  EXPECT_EQ(stored(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SpoolClaimsTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
