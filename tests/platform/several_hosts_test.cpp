// Three mvne-host processes on one MariaDB, driven through spool files, RADIUS and nginx, one
// of them killed with kill -9 mid-run: nothing lost, stored twice or misattributed
// (tests/support/several_hosts.h; the same run on Galera is in galera_test.cpp).
#include <gtest/gtest.h>

#include "tests/support/several_hosts.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

TEST(SeveralHostsTest, ThreeHostsOnOneMariaDbStoreEveryRecordOnceAndShowEachTenantItsOwn) {
  TestDatabase db("mysql");
  run_three_hosts({db.settings(), db.settings(), db.settings()}, nullptr);
}

}  // namespace
}  // namespace mvne::testing
