// mvne-host's command line, run as a real process: options, --check-config, and one clear
// message with exit code 2 for every kind of bad configuration.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include <mvne/plugin.h>

#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

const std::string kConfig = std::string(MVNE_SOURCE_DIR) + "/config/mvne.conf";
const std::string kFixtures = std::string("plugins.dir=") + MVNE_FIXTURE_DIR;

size_t line_count(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// Bad configuration: exit 2, one line on stderr naming what is wrong, no stack trace.
void expect_config_error(const ExitResult& r, const std::string& expected) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
}

TEST(Cli, VersionAndHelp) {
  auto v = run_host({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("plugin ABI 1." + std::to_string(MVNE_ABI_MINOR)), std::string::npos);
  auto h = run_host({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* opt : {"--config", "--set", "--check-config", "--version", "SIGHUP"}) {
    EXPECT_NE(h.out.find(opt), std::string::npos) << opt;
  }
  expect_config_error(run_host({"--bogus"}), "unrecognised option '--bogus'");
}

// The shipped configuration checks clean and says which plugins would load.
TEST(Cli, CheckConfigOfShippedConfig) {
  auto r = run_host({"--config", kConfig, "--check-config", "--set",
                     std::string("plugins.dir=") + MVNE_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[http]\nlisten = 127.0.0.1:8080"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello: would load"), std::string::npos) << r.out;
}

// A plugin that would be refused makes --check-config fail, naming the mismatch.
TEST(Cli, CheckConfigReportsPluginsThatWouldNotLoad) {
  auto r = run_host({"--config", kConfig, "--check-config", "--set", kFixtures, "--set",
                     "plugins.enabled=fixture, abi_minor_newer"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("fixture: would load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("abi_minor_newer: would NOT load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("plugin declares ABI 1.99"), std::string::npos) << r.out;
}

// A plugin's own keys are checked as the host's are: a typo, a missing required key and a
// value of the wrong type are named with where they are; a declared secret is never printed.
TEST(Cli, CheckConfigChecksThePluginsDeclaredKeys) {
  TempDir dir;
  std::string conf = dir.write(
      "p.conf", std::string("[plugins]\ndir = ") + MVNE_PLUGIN_DIR + ", " + MVNE_FIXTURE_DIR +
                    "\nenabled = voice_cdr, tally, tally_reader\n"
                    "[plugin.voice_cdr]\nspool_dri = in\n"
                    "[plugin.tally_reader]\npassphrase = open-sesame\npage_size = many\n");
  auto r = run_host({"--config", conf, "--check-config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("p.conf:5: plugin.voice_cdr.spool_dri: unknown key (plugin 'voice_cdr' "
                       "knows: spool_dir, export_schedule, format"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("plugin.voice_cdr.spool_dir: required, not set"), std::string::npos);
  EXPECT_NE(r.err.find("p.conf:8: plugin.tally_reader.page_size: expected an integer, got "
                       "'many'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("voice_cdr: would NOT start"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tally: would load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("passphrase = (hidden)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("open-sesame"), std::string::npos) << "a declared secret";
  EXPECT_EQ(r.err.find("open-sesame"), std::string::npos);

  std::string good = dir.write(
      "good.conf", std::string("[plugins]\ndir = ") + MVNE_PLUGIN_DIR + ", " + MVNE_FIXTURE_DIR +
                       "\nenabled = tally, tally_reader\n[plugin.tally_reader]\nverbose = on\n");
  auto ok = run_host({"--config", good, "--check-config"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("page_size = 2"), std::string::npos) << "the default, shown";
}

TEST(Cli, UnreachableDatabase) {
  expect_config_error(run_host({"--config", kConfig, "--set", "plugins.enabled=", "--set",
                                "storage.backend=mysql", "--set", "storage.port=1"}),
                      "storage: cannot connect to mysql://mvne@127.0.0.1:1/mvne");
}

TEST(Cli, UnknownKey) {
  TempDir dir;
  std::string conf = dir.write("bad.conf", "[http]\nlisten = 127.0.0.1:0\nthreads = 4\n");
  expect_config_error(run_host({"--config", conf}),
                      "bad.conf:3: unknown key 'threads' in section [http]");
}

TEST(Cli, WrongType) {
  expect_config_error(run_host({"--config", kConfig, "--set", "host.shutdown_timeout_ms=soon"}),
                      "host.shutdown_timeout_ms: expected an integer, got 'soon'");
}

TEST(Cli, MissingConfigFile) {
  expect_config_error(run_host({"--config", "/nonexistent/mvne.conf"}),
                      "/nonexistent/mvne.conf: cannot read configuration file");
}

TEST(Cli, MissingPluginFile) {
  expect_config_error(
      run_host({"--config", kConfig, "--set", kFixtures, "--set", "plugins.enabled=nosuch"}),
      "plugins.enabled: plugin 'nosuch' has no file mvne_nosuch.so in " MVNE_FIXTURE_DIR);
}

TEST(Cli, PluginDirNotADirectory) {
  expect_config_error(run_host({"--config", kConfig, "--set", "plugins.dir=" + kConfig}),
                      "plugins.dir: '" + kConfig + "' is not a directory");
}

TEST(Cli, PortInUse) {
  TempDir dir;
  Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::string port = std::to_string(taken.address().port());
  expect_config_error(
      run_host({"--config", kConfig, "--set", "plugins.enabled=", "--set",
                "storage.path=" + dir.path() + "/t.db", "--set", "http.listen=127.0.0.1:" + port}),
      "http.listen: cannot listen on 127.0.0.1:" + port);
}

TEST(Cli, RequiredPluginThatFailsStopsStartUp) {
  TempDir dir;
  auto r =
      run_host({"--config", kConfig, "--set", kFixtures, "--set",
                "storage.path=" + dir.path() + "/t.db", "--set", "http.listen=127.0.0.1:0", "--set",
                "plugins.enabled=start_fails", "--set", "plugins.required=start_fails"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mvne-host: required plugin(s) not running:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot reach the switch"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mvne::testing
