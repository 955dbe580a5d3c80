// The eight-MVNO scenario through real processes: mvne-host with the voice_cdr and sms
// plugins picks up spool files renamed into place, each MVNO reads its records with curl,
// mvnectl writes export files on demand, and the files are read back from disk.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

TEST(RecordsEndToEnd, SpoolFilesCurlAndMvnectlExports) {
  TempDir dir;
  const std::string config = dir.write(
      "mvne.conf",
      "[http]\nlisten = 127.0.0.1:0\n[storage]\npath = mvne.db\n[plugins]\ndir = " MVNE_PLUGIN_DIR
      "\nenabled = voice_cdr, sms\n[plugin.voice_cdr]\nspool_dir = spool/voice\n"
      "[plugin.sms]\nspool_dir = spool/sms\n");
  CdrScenario s = make_cdr_scenario();  // export dirs relative to the config's directory
  std::map<std::string, std::string> tokens;
  {
    storage::StorageSettings storage;
    storage.path = dir.path() + "/mvne.db";
    auto db = storage::Database::open(storage);
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto services = platform::Services::on(db.value(), config::NumberingConfig{});
    apply_directory(s, *services->directory);
    for (const auto& t : s.tenants)
      tokens[t.code] = services->keys->create(t.code, "e2e", kForever)->token;
  }

  HostProcess host({"--config", config});
  ASSERT_TRUE(host.started()) << host.err();
  for (const auto& [plugin_dir, files] : {std::make_pair(std::string("voice"), s.voice_files),
                                          std::make_pair(std::string("sms"), s.sms_files)}) {
    for (const auto& f : files) {
      std::string part = dir.write("spool/" + plugin_dir + "/" + f.name + ".part", f.content);
      fs::rename(part, dir.path() + "/spool/" + plugin_dir + "/" + f.name);
    }
  }
  ASSERT_TRUE(eventually([&] {
    for (const auto& f : s.voice_files)
      if (!fs::exists(dir.path() + "/spool/voice/done/" + f.name)) return false;
    for (const auto& f : s.sms_files)
      if (!fs::exists(dir.path() + "/spool/sms/done/" + f.name)) return false;
    return true;
  })) << host.err();

  ScenarioProbe probe;
  probe.get = [&](const std::string& tenant, const std::string& target, const std::string& accept) {
    std::vector<std::string> args = {
        "-s", "-o", "-", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + tokens[tenant]};
    if (!accept.empty()) args.insert(args.end(), {"-H", "Accept: " + accept});
    args.push_back("http://127.0.0.1:" + std::to_string(host.port()) + target);
    ExitResult r = run_binary("/usr/bin/curl", args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    size_t cut = r.out.rfind('\n');
    if (cut == std::string::npos) return std::make_pair(0, r.out);
    return std::make_pair(std::stoi(r.out.substr(cut + 1)), r.out.substr(0, cut));
  };
  probe.export_file = [&](const std::string& plugin, const std::string& tenant,
                          const std::string& date) -> std::string {
    ExitResult r = run_ctl({"--config", config, "--json", "export", "run", "--plugin", plugin,
                            "--tenant", tenant, "--date", date});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return "";
    auto out = nlohmann::json::parse(r.out);
    std::ifstream in(out["file"].get<std::string>());
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  };
  check_tenant_views(s, probe);
  check_exports(s, probe, {"2026-11-14", "2026-11-16"});

  // The files are where the tenants' export directories say, with manifests.
  EXPECT_TRUE(
      fs::exists(dir.path() + "/exports/bravo/voice_cdr/bravo_voice_cdr_cdrs_2026-11-16.csv"));
  EXPECT_TRUE(fs::exists(dir.path() +
                         "/exports/bravo/voice_cdr/bravo_voice_cdr_cdrs_2026-11-16.manifest.json"));

  // Counts add up in the log and in /metrics.
  int64_t lines = 0;
  for (const auto& f : s.voice_files) lines += f.data_lines;
  ExitResult metrics = run_binary(
      "/usr/bin/curl", {"-s", "http://127.0.0.1:" + std::to_string(host.port()) + "/metrics"});
  int64_t counted = 0;
  for (const char* outcome : {"stored", "duplicate", "quarantined"}) {
    std::string key =
        std::string("mvne_ingest_records_total{plugin=\"voice_cdr\",outcome=\"") + outcome + "\"} ";
    size_t at = metrics.out.find(key);
    ASSERT_NE(at, std::string::npos) << key << "\n" << metrics.out;
    counted += std::stoll(metrics.out.substr(at + key.size()));
  }
  EXPECT_EQ(counted, lines);
  EXPECT_NE(host.err().find("switch-1.csv: read " + std::to_string(s.voice_files[0].data_lines) +
                            " data lines"),
            std::string::npos)
      << host.err();

  // An unknown tenant or plugin in mvnectl export run is a clear refusal.
  ExitResult bad = run_ctl({"--config", config, "export", "run", "--plugin", "voice_cdr",
                            "--tenant", "nobody", "--date", "2026-11-16"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown tenant 'nobody'"), std::string::npos) << bad.err;
  bad = run_ctl({"--config", config, "export", "run", "--plugin", "hello", "--tenant", "alpha",
                 "--date", "2026-11-16"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("not enabled in [plugins] enabled"), std::string::npos) << bad.err;

  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

}  // namespace
}  // namespace mvne::testing
