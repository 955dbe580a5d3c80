// /readyz says not ready (503) while the database cannot be used, and which check failed,
// without configuration details; it says ready again once the database is back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

bool not_ready_for_database(uint16_t port, std::string& body) {
  HttpResult reply = http_get(port, "/readyz");
  body = reply.body;
  return reply.status == 503 && reply.headers.count("retry-after") == 1 &&
         body.find(R"("name":"database","ok":false,"reason":)") != std::string::npos &&
         body.find(R"("ready":false)") != std::string::npos;
}

// A SQLite file damaged under the running host: not ready, and the reply names the check
// but not the file.
TEST(Readiness, UnusableSqliteFileIsNotReady) {
  TempDir dir;
  storage::StorageSettings s;
  s.path = dir.path() + "/host.db";
  auto db = storage::Database::open(s);
  ASSERT_TRUE(db.ok()) << db.status().message();
  InProcessHost host(fixture_settings({"fixture"}), db.value());
  auto ready = http_get(host.port(), "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_NE(ready.body.find(R"({"name":"database","ok":true})"), std::string::npos) << ready.body;

  // Its write-ahead log gone and the file overwritten: nothing in it is a database any more.
  std::filesystem::remove(s.path + "-wal");
  std::filesystem::remove(s.path + "-shm");
  std::ofstream(s.path, std::ios::binary | std::ios::trunc) << std::string(8192, 'x');
  std::string body;
  EXPECT_TRUE(eventually([&] { return not_ready_for_database(host.port(), body); })) << body;
  EXPECT_EQ(body.find(s.path), std::string::npos) << body;
}

// A MariaDB server stopped under the running host: not ready, and the reply names neither
// the server nor the user.
TEST(Readiness, StoppedMariaDbIsNotReady) {
  ThrowawayMariaDb server;
  auto db = storage::Database::open(server.settings());
  ASSERT_TRUE(db.ok()) << db.status().message();
  InProcessHost host(fixture_settings({"fixture"}), db.value());
  EXPECT_TRUE(eventually([&] { return http_get(host.port(), "/readyz").status == 200; }));

  server.stop();
  std::string body;
  EXPECT_TRUE(eventually([&] { return not_ready_for_database(host.port(), body); })) << body;
  EXPECT_EQ(body.find(server.settings().host), std::string::npos) << body;
  EXPECT_EQ(body.find(server.settings().user), std::string::npos) << body;
}

}  // namespace
}  // namespace mvne::testing
