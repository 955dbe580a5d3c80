#include "core/storage/database.h"

#include <gtest/gtest.h>

#include "core/storage/migrations.h"
#include "tests/support/test_database.h"

namespace mvne::storage {
namespace {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestDatabase test_db_{GetParam()};
  Database& db() { return *test_db_.db(); }
};

// Values of every type round-trip through bound parameters, quotes included.
TEST_P(DatabaseTest, BoundValuesRoundTrip) {
  auto lease = db().acquire();
  ASSERT_TRUE(lease.ok()) << lease.status().message();
  Connection& c = **lease;
  ASSERT_TRUE(c.execute("CREATE TABLE t (id {id}, i {i64}, f {f64}, s {key}){table_options}").ok());
  auto id = c.insert("INSERT INTO t (i, f, s) VALUES (?, ?, ?)",
                     {int64_t{-42}, 2.5, std::string("it's \"quoted\"; DROP TABLE t")});
  ASSERT_TRUE(id.ok()) << id.status().message();
  ASSERT_TRUE(
      c.insert("INSERT INTO t (i, f, s) VALUES (?, ?, ?)", {Value{}, Value{}, Value{}}).ok());
  auto rows = c.query("SELECT i, f, s FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(as_int(rows.value()[0][0]), -42);
  EXPECT_DOUBLE_EQ(as_double(rows.value()[0][1]), 2.5);
  EXPECT_EQ(as_text(rows.value()[0][2]), "it's \"quoted\"; DROP TABLE t");
  EXPECT_TRUE(is_null(rows.value()[1][0]));
}

// A failed transaction leaves nothing behind.
TEST_P(DatabaseTest, TransactionRollsBackOnError) {
  Status st = db().transaction([](Connection& c) {
    Status created = c.execute("CREATE TABLE r (k {key} PRIMARY KEY){table_options}");
    if (!created.ok()) return created;
    return c.execute("INSERT INTO r (k) VALUES (?)", {std::string("a")});
  });
  ASSERT_TRUE(st.ok()) << st.message();
  st = db().transaction([](Connection& c) {
    Status first = c.execute("INSERT INTO r (k) VALUES (?)", {std::string("b")});
    if (!first.ok()) return first;
    return c.execute("INSERT INTO r (k) VALUES (?)", {std::string("a")});  // duplicate
  });
  EXPECT_FALSE(st.ok());
  auto lease = db().acquire();
  auto rows = (*lease)->query("SELECT k FROM r ORDER BY k");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(as_text(rows.value()[0][0]), "a");
}

// Migrations are applied once; reopening is a no-op.
TEST_P(DatabaseTest, MigrationsAreIdempotent) {
  auto again = Database::open(test_db_.settings());
  ASSERT_TRUE(again.ok()) << again.status().message();
  auto lease = again.value()->acquire();
  auto rows = (*lease)->query("SELECT COUNT(*), MAX(version) FROM schema_version");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(as_int(rows.value()[0][0]), schema_version());
  EXPECT_EQ(as_int(rows.value()[0][1]), schema_version());
}

// On MariaDB a migration's DDL commits at once: a pass that claimed the last migration,
// created its table and then lost a conflict before recording the version (seen on Galera)
// is followed by another pass of the same process, which finds the table and completes it.
TEST(Migrations, APassResumingItsOwnClaimCompletesAHalfAppliedMigration) {
  testing::TestDatabase test_db("mysql");
  Database& db = *test_db.db();
  {
    auto lease = db.acquire();
    ASSERT_TRUE(
        (*lease)
            ->execute("DELETE FROM schema_version WHERE version = ?", {int64_t{schema_version()}})
            .ok());
    ASSERT_TRUE((*lease)
                    ->execute("UPDATE schema_claims SET host = 'this process' WHERE version = ?",
                              {int64_t{schema_version()}})
                    .ok());
  }
  Status st = migrate_once(db, "this process");
  ASSERT_TRUE(st.ok()) << st.message();
  auto rows = db.query("SELECT MAX(version) FROM schema_version");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(as_int(rows.value()[0][0]), schema_version());
}

// A database written by a newer mvne-host is refused with a clear message.
TEST_P(DatabaseTest, NewerSchemaIsRefused) {
  {
    auto lease = db().acquire();
    ASSERT_TRUE((*lease)
                    ->execute("INSERT INTO schema_version (version) VALUES (?)",
                              {int64_t{schema_version() + 5}})
                    .ok());
  }
  auto again = Database::open(test_db_.settings());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("newer than this mvne-host knows"), std::string::npos)
      << again.status().message();
}

// A connection that saw an error is not handed out again (invariant 6).
TEST_P(DatabaseTest, BrokenConnectionIsDiscarded) {
  { auto warm = db().acquire(); }
  size_t idle = db().idle_connections();
  ASSERT_GE(idle, 1u);
  {
    auto healthy = db().acquire();
    EXPECT_TRUE((*healthy)->query("SELECT 1").ok());
  }
  EXPECT_EQ(db().idle_connections(), idle) << "a healthy connection goes back to the pool";
  {
    auto lease = db().acquire();
    EXPECT_FALSE((*lease)->execute("SELECT * FROM no_such_table").ok());
    EXPECT_TRUE((*lease)->broken());
  }
  EXPECT_EQ(db().idle_connections(), idle - 1) << "the broken connection was not returned";
  auto next = db().acquire();
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE((*next)->query("SELECT 1").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

// A server restarted under the pool leaves its idle connections dead. The first one found
// dead makes the pool close the other idle ones (opened before, so dead too), and a read
// through the pool is asked again on a new connection instead of failing its caller.
// (MariaDB: SQLite has no server to lose.)
TEST(Database, ConnectionsLostWithTheServerAreNotHandedOutAgain) {
  testing::TestDatabase test_db("mysql");
  Database& db = *test_db.db();
  std::vector<int64_t> ids;
  {
    std::vector<Lease> leases;
    for (int i = 0; i < 3; ++i) {
      auto lease = db.acquire();
      ASSERT_TRUE(lease.ok());
      auto id = (*lease)->query("SELECT CONNECTION_ID()");
      ASSERT_TRUE(id.ok());
      ids.push_back(as_int(id.value()[0][0]));
      leases.push_back(std::move(lease).value());
    }
  }
  ASSERT_GE(db.idle_connections(), 3u);
  // What a restart does to them, from outside the pool.
  auto killer = Database::open(test_db.settings());
  ASSERT_TRUE(killer.ok());
  for (int64_t id : ids)
    ASSERT_TRUE((*killer)->execute("KILL CONNECTION " + std::to_string(id)).ok());
  auto rows = db.query("SELECT 1");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(as_int(rows.value()[0][0]), 1);
  EXPECT_EQ(db.idle_connections(), 1u) << "only the new connection is left idle";
  auto next = db.acquire();
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE((*next)->query("SELECT 1").ok()) << "no dead connection is handed out";
}

// Unreachable servers and bad URLs are clear errors without the password.
TEST(Database, UnreachableServerIsAClearError) {
  StorageSettings s;
  s.backend = "mysql";
  s.port = 1;
  s.password = "secret-pw";
  auto db = Database::open(s);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("cannot connect to mysql://mvne@127.0.0.1:1/mvne"),
            std::string::npos)
      << db.status().message();
  EXPECT_EQ(db.status().message().find("secret-pw"), std::string::npos);
  EXPECT_FALSE(settings_from_url("postgres://x").ok());
}

// A password with reserved characters is given percent-encoded and arrives decoded.
TEST(DatabaseUrl, PercentEncodedPasswordIsDecoded) {
  auto s = settings_from_url("mysql://app%2Buser:p%40ss%3Aw%2Fo%25rd@db.local:3307/mvne_1");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->user, "app+user");
  EXPECT_EQ(s->password, "p@ss:w/o%rd");
  EXPECT_EQ(s->host, "db.local");
  EXPECT_EQ(s->port, 3307);
  EXPECT_EQ(s->database, "mvne_1");
}

// Ports out of range, however long, and broken escapes are errors that never echo the password.
TEST(DatabaseUrl, BadPortsAndEscapesAreClearErrors) {
  for (const char* url : {"mysql://u:secret-pw@h:99999999999999999999/db",
                          "mysql://u:secret-pw@h:65536/db", "mysql://u:secret-pw@h:0/db",
                          "mysql://u:secret%zzpw@h:3306/db", "mysql://u:secret-pw%4@h:3306/db"}) {
    auto s = settings_from_url(url);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.status().message().find("secret"), std::string::npos) << s.status().message();
  }
}

}  // namespace
}  // namespace mvne::storage
