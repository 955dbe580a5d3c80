#include "tests/support/test_database.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>

#include "core/storage/mysql_connection.h"
#include "tests/support/host_process.h"

namespace mvne::testing {

std::string storage_section(const storage::StorageSettings& s, const TempDir& dir) {
  if (s.backend == "sqlite") return "[storage]\npath = " + s.path + "\n";
  std::string password = dir.write("db-password", s.password + "\n");
  return "[storage]\nbackend = mysql\nhost = " + s.host + "\nport = " + std::to_string(s.port) +
         "\ndatabase = " + s.database + "\nuser = " + s.user + "\npassword_file = " + password +
         "\n";
}
namespace {

const char* mysql_url() { return std::getenv("MVNE_TEST_MYSQL"); }

// The server's own database, from which per-test databases are created and dropped.
storage::StorageSettings admin_settings() {
  if (mysql_url() == nullptr || *mysql_url() == '\0') {
    ADD_FAILURE() << "MVNE_TEST_MYSQL is not set: run tools/test, which starts a MariaDB "
                     "server for the tests, or set it to mysql://user:password@host:port/db";
    return {};
  }
  auto s = storage::settings_from_url(mysql_url());
  EXPECT_TRUE(s.ok()) << "MVNE_TEST_MYSQL: " << s.status().message();
  return s.value();
}

Status admin_execute(const std::string& sql) {
  auto settings = admin_settings();
  settings.backend = "mysql";
  // Connected without migrations: test processes start in parallel, and two of them
  // migrating the server's own database at once collide.
  auto admin = storage::MysqlDatabase::create(settings);
  if (!admin.ok()) return admin.status();
  auto lease = admin.value()->acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->execute(sql);
}

}  // namespace

std::vector<std::string> test_backends() { return {"sqlite", "mysql"}; }

TestDatabase::TestDatabase(const std::string& backend) {
  if (backend == "sqlite") {
    settings_.backend = "sqlite";
    settings_.path = dir_.path() + "/test.db";
  } else {
    settings_ = admin_settings();
    // Test processes run in parallel: the pid keeps their names apart.
    settings_.database =
        "t_" + std::to_string(getpid()) + "_" + std::to_string(randombytes_random());
    Status st = admin_execute("CREATE DATABASE " + settings_.database);
    EXPECT_TRUE(st.ok()) << st.message();
  }
  auto db = storage::Database::open(settings_);
  EXPECT_TRUE(db.ok()) << db.status().message();
  if (db.ok()) db_ = db.value();
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (settings_.backend == "mysql") (void)admin_execute("DROP DATABASE " + settings_.database);
}

ThrowawayMariaDb::ThrowawayMariaDb() : server_dir_(dir_.path() + "/server") { start(); }

void ThrowawayMariaDb::start() {
  std::string testdb = std::string(MVNE_SOURCE_DIR) + "/tools/testdb";
  ExitResult started = run_binary(testdb, {"start", server_dir_}, 120);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  running_ = true;
  std::string url = started.out.substr(0, started.out.find_last_not_of("\n") + 1);
  url = url.substr(url.rfind('\n') == std::string::npos ? 0 : url.rfind('\n') + 1);
  auto parsed = storage::settings_from_url(url);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  settings_ = parsed.value();
}

ThrowawayMariaDb::~ThrowawayMariaDb() { stop(); }

void ThrowawayMariaDb::stop() {
  if (!running_) return;
  running_ = false;
  ExitResult stopped =
      run_binary(std::string(MVNE_SOURCE_DIR) + "/tools/testdb", {"stop", server_dir_}, 60);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

}  // namespace mvne::testing
