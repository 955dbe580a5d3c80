// The whole path through real processes: mvnectl sets up tenants, lines and keys; mvne-host
// ingests a spool file with the ledger plugin; each tenant's API key reads only its own
// calls over HTTP; a leaking route is blocked; the audit log verifies and sizes the exposure.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "core/common/time.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

class EndToEndTest : public ::testing::Test {
 protected:
  std::vector<std::string> common() {
    return {"--config", config_, "--set", "storage.path=" + dir_.path() + "/mvne.db"};
  }
  std::string ctl(std::vector<std::string> args) {
    std::vector<std::string> all = common();
    all.insert(all.end(), args.begin(), args.end());
    auto r = run_ctl(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string key(const std::string& tenant) {
    std::string out = ctl({"apikey", "create", "--tenant", tenant});
    size_t at = out.find("token: ");
    return out.substr(at + 7, out.find('\n', at) - at - 7);
  }

  TempDir dir_;
  std::string config_ =
      dir_.write("mvne.conf", "[http]\nlisten = 127.0.0.1:0\n[plugins]\ndir = " MVNE_FIXTURE_DIR
                              "\nenabled = ledger\n[plugin.ledger]\nspool_dir = spool\n");
};

TEST_F(EndToEndTest, SpoolToTenantApiThroughRealProcesses) {
  for (const char* t : {"acme", "bolt"}) {
    ctl({"tenant", "add", "--code", t, "--name", t, "--export-dir", std::string("exports/") + t,
         "--plugins", "ledger"});
    ctl({"plan", "add", "--tenant", t, "--code", "basic"});
    ctl({"subscriber", "add", "--tenant", t, "--account", "holder1", "--service-code", "s",
         "--plan", "basic", "--email", std::string("h1@") + t + ".example"});
  }
  ctl({"line", "assign", "--tenant", "acme", "--account", "holder1", "--msisdn", "09050000001",
       "--from", "2026-01-01"});
  ctl({"line", "assign", "--tenant", "acme", "--account", "holder1", "--msisdn", "09050000002",
       "--from", "2026-01-01"});
  ctl({"line", "move", "--tenant", "bolt", "--account", "holder1", "--msisdn", "09050000002",
       "--at", "2026-03-01"});
  std::string acme = key("acme"), bolt = key("bolt");

  HostProcess host(common());
  ASSERT_TRUE(host.started()) << host.err();
  auto us = [](const char* iso) { return std::to_string(parse_time_us(iso).value()); };
  // Written as .part, then renamed: the spool picks up only complete files.
  dir_.write("spool/calls.csv.part",
             "a1," + us("2026-02-01") + ",09050000001,+81311110000,60\n" + "a2," +
                 us("2026-02-02") + ",09050000002,+81311110000,70\n" + "b1," + us("2026-03-05") +
                 ",09050000002,+81311110000,80\n" + "q1," + us("2025-06-01") +
                 ",09050000002,+81311110000,90\n");
  std::filesystem::rename(dir_.path() + "/spool/calls.csv.part", dir_.path() + "/spool/calls.csv");
  ASSERT_TRUE(eventually([&] {
    return std::filesystem::exists(dir_.path() + "/spool/done/calls.csv");
  })) << host.err();

  auto get = [&](const std::string& target, const std::string& token) {
    return http_get(host.port(), target, {{"Authorization", "Bearer " + token}});
  };
  EXPECT_EQ(get("/api/ledger/calls", acme).body,
            "a1,+819050000001,+81311110000,60\na2,+819050000002,+81311110000,70\n");
  EXPECT_EQ(get("/api/ledger/calls", bolt).body, "b1,+819050000002,+81311110000,80\n");
  // acme's page replayed to bolt is withheld; bolt's own input echoed back is no leak.
  EXPECT_EQ(get("/api/ledger/cached", acme).status, 200);
  EXPECT_EQ(get("/api/ledger/cached", bolt).status, 500);
  EXPECT_EQ(get("/api/ledger/leak?msisdn=09050000001", bolt).status, 200);
  EXPECT_NE(host.err().find("stored 3, duplicates 0, quarantined 1"), std::string::npos)
      << host.err();
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);

  EXPECT_NE(ctl({"quarantine", "list"}).find("has no assignment at 2025-06-01"), std::string::npos);
  EXPECT_NE(ctl({"audit", "verify"}).find("intact: true"), std::string::npos);
  std::string exposure = ctl({"audit", "exposure", "--from", "2020-01-01", "--to", "2100-01-01"});
  EXPECT_NE(exposure.find("tenant:acme"), std::string::npos) << exposure;
  EXPECT_NE(exposure.find("tenant:bolt"), std::string::npos) << exposure;
}

}  // namespace
}  // namespace mvne::testing
