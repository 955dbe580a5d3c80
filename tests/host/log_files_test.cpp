// The real host process and its files: the log reopened on SIGUSR1 (logrotate), log lines
// that a request path cannot forge, and owner-only files whatever the umask.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

std::string config(const std::string& dir) {
  return "[http]\nlisten = 127.0.0.1:0\n[log]\nlevel = debug\nfile = " + dir +
         "/host.log\n[storage]\npath = var/mvne.db\n[plugins]\ndir = " MVNE_FIXTURE_DIR
         "\nenabled =\n";
}

// logrotate moves the file away and sends SIGUSR1: the next lines go to a new file by the
// configured name, and none to the moved one.
TEST(LogFiles, Sigusr1ReopensTheLogFile) {
  TempDir dir;
  HostProcess host({"--config", dir.write("mvne.conf", config(dir.path()))});
  ASSERT_TRUE(host.started()) << host.err();
  const std::string log = dir.path() + "/host.log";
  EXPECT_EQ(http_get(host.port(), "/healthz/before").status, 404);
  ASSERT_TRUE(
      eventually([&] { return read_file(log).find("/healthz/before") != std::string::npos; }));
  std::filesystem::rename(log, log + ".1");
  host.signal(SIGUSR1);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(log); })) << host.err();
  EXPECT_EQ(http_get(host.port(), "/healthz/after").status, 404);
  EXPECT_TRUE(
      eventually([&] { return read_file(log).find("/healthz/after") != std::string::npos; }));
  EXPECT_EQ(read_file(log + ".1").find("/healthz/after"), std::string::npos);
  EXPECT_NE(read_file(log).find("log file reopened"), std::string::npos);
  EXPECT_EQ(file_mode(log), 0600u);
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

// A decoded request path holding a newline or escape sequences stays on its own line,
// escaped: no forged "[info] [host] ... login ok" line, no raw ESC in the file.
TEST(LogFiles, RequestPathsCannotForgeLinesOrEscapeSequences) {
  TempDir dir;
  HostProcess host({"--config", dir.write("mvne.conf", config(dir.path()))});
  ASSERT_TRUE(host.started()) << host.err();
  http_get(host.port(),
           "/api/x%0a2026-11-02T00:00:00.000+0000%20[info]%20[host]%20login%20ok"
           "%1b]0;owned%07%1b[2J");
  const std::string log = dir.path() + "/host.log";
  ASSERT_TRUE(eventually([&] { return read_file(log).find("login ok") != std::string::npos; }));
  std::istringstream lines(read_file(log));
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind("2026-11-02T00:00:00.000+0000 [info] [host] login ok", 0), 0u) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x07'), std::string::npos) << line;
  }
  EXPECT_NE(read_file(log).find("/api/x\\n2026"), std::string::npos);
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

// With umask 0 the database (and its WAL and shared-memory files), its directory and the
// log are still the owner's alone.
TEST(LogFiles, DatabaseAndLogAreOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  mode_t old = ::umask(0);
  HostProcess host({"--config", dir.write("mvne.conf", config(dir.path()))});
  ::umask(old);
  ASSERT_TRUE(host.started()) << host.err();
  EXPECT_EQ(http_get(host.port(), "/readyz").status, 200);
  EXPECT_EQ(file_mode(dir.path() + "/var"), 0700u);
  EXPECT_EQ(file_mode(dir.path() + "/var/mvne.db"), 0600u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/var/mvne.db-wal"));
  EXPECT_EQ(file_mode(dir.path() + "/var/mvne.db-wal"), 0600u);
  EXPECT_EQ(file_mode(dir.path() + "/var/mvne.db-shm"), 0600u);
  EXPECT_EQ(file_mode(dir.path() + "/host.log"), 0600u);
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

}  // namespace
}  // namespace mvne::testing
