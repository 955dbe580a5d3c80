// A group-commit thread's own connection, on SQLite and MariaDB: commits, rolls back a
// failed body entirely, carries on after a failure, and gives the connection back to the
// pool with autocommit on.
#include "core/storage/writer_connection.h"

#include <gtest/gtest.h>

#include "tests/support/test_database.h"

namespace mvne::storage {
namespace {

class WriterConnectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  int64_t count() {
    auto rows = db()->query("SELECT COUNT(*) FROM w");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? as_int(rows.value()[0][0]) : -1;
  }
  std::shared_ptr<Database> db() { return test_db_.db(); }
  testing::TestDatabase test_db_{GetParam()};
};

TEST_P(WriterConnectionTest, CommitsRollsBackAndCarriesOn) {
  ASSERT_TRUE(db()->execute("CREATE TABLE w (k {key} PRIMARY KEY){table_options}").ok());
  {
    WriterConnection writer(db());
    auto insert = [](const char* k) {
      return [k](Connection& c) { return c.execute("INSERT INTO w (k) VALUES (?)", {k}); };
    };
    ASSERT_TRUE(writer.transaction(insert("a")).ok());
    EXPECT_EQ(count(), 1);  // visible to another connection: committed
    Status failed = writer.transaction([](Connection& c) {
      Status st = c.execute("INSERT INTO w (k) VALUES (?)", {"b"});
      return st.ok() ? Status::Internal("the batch failed") : st;
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(count(), 1);  // "b" rolled back
    ASSERT_TRUE(writer.transaction(insert("c")).ok());
    EXPECT_EQ(count(), 2);
  }
  if (GetParam() == "mysql") {  // every pooled connection is back in autocommit mode
    std::vector<Lease> leases;
    for (int i = 0; i < 3; ++i) leases.push_back(std::move(db()->acquire()).value());
    for (Lease& lease : leases) {
      auto on = lease->query("SELECT @@autocommit");
      ASSERT_TRUE(on.ok());
      EXPECT_EQ(as_int(on.value()[0][0]), 1);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WriterConnectionTest,
                         ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::storage
