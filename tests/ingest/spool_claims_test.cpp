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
#include "tests/support/voice_spool.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

class SpoolClaimsTest : public VoiceSpoolTest {};

// Dead claims are taken back and read again; a live claim (this process's, or another
// host's within its lease) is left alone; a file in .processing/ without claim is taken back.
TEST_P(SpoolClaimsTest, DeadClaimsAreTakenBackLiveOnesLeftAlone) {
  const std::string processing = voice() + "/.processing";
  auto claimed = [&](const std::string& name, ingest::Claimant c) {
    dir_.write("voice/.processing/" + name, std::string(kNativeCallHeader) + "\n" + native_call(name) + "\n");
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
  dir_.write("voice/.processing/e.csv", std::string(kNativeCallHeader) + "\n" + native_call("e.csv") + "\n");

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
