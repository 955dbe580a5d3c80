// Several hosts on a three-node Galera cluster of their own (tools/cluster): three hosts
// starting at once, one per node, migrate the schema once between them; no table lacks a
// primary key (Galera replicates rows by key); each host sees the two others; the plugins'
// state written through one node is what a host on another reads (the cache is off while
// the host is not alone); a node stopped and started again rejoins with what was written
// meanwhile. And the whole product on it: a host on each node, driven through spool files,
// RADIUS and nginx, one host killed with kill -9 and node 3 stopped and started mid-run.
#include <gtest/gtest.h>

#include <thread>

#include "core/audit/audit_log.h"
#include "core/platform/host_peers.h"
#include "core/storage/kv_store.h"
#include "core/storage/migrations.h"
#include "tests/support/galera_cluster.h"
#include "tests/support/host_process.h"
#include "tests/support/several_hosts.h"

namespace mvne::platform {
namespace {

using namespace std::chrono_literals;
using storage::as_int;
using storage::as_text;

const HostPeers::Timing kFast{200ms, 300ms, 1000ms, 500ms};

class GaleraTest : public ::testing::Test {
 protected:
  // Started in SetUp, not SetUpTestSuite: GoogleTest reports the tests of a suite whose
  // SetUpTestSuite failed as skipped, and ctest counts a skipped test as no failure.
  void SetUp() override {
    if (cluster_ == nullptr) cluster_ = new testing::GaleraCluster(3);
    ASSERT_EQ(cluster_->size(), 3u) << "the cluster did not start";
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static std::shared_ptr<storage::Database> open(size_t node) {
    auto db = storage::Database::open(cluster_->node(node));
    EXPECT_TRUE(db.ok()) << "node " << node << ": " << db.status().message();
    return db.ok() ? db.value() : nullptr;
  }
  static std::string read(storage::KvStore& kv, const std::string& key) {
    auto v = kv.get("p", 0, key);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() && v->has_value() ? **v : "<none>";
  }

  static testing::GaleraCluster* cluster_;
};

testing::GaleraCluster* GaleraTest::cluster_ = nullptr;

TEST_F(GaleraTest, ThreeHostsStartingAtOnceMigrateOnceAndEveryTableHasAKey) {
  ASSERT_EQ(cluster_->size(), 3u);
  std::vector<std::shared_ptr<storage::Database>> dbs(3);
  std::vector<std::thread> hosts;
  for (size_t n = 0; n < 3; ++n) hosts.emplace_back([&, n] { dbs[n] = open(n); });
  for (auto& h : hosts) h.join();
  for (size_t n = 0; n < 3; ++n) {
    ASSERT_TRUE(dbs[n]) << "node " << n;
    auto rows = dbs[n]->query("SELECT COUNT(*), MAX(version) FROM schema_version");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(as_int(rows.value()[0][0]), storage::schema_version()) << "node " << n;
    EXPECT_EQ(as_int(rows.value()[0][1]), storage::schema_version()) << "node " << n;
  }
  auto claims = dbs[0]->query("SELECT COUNT(*) FROM schema_claims");
  EXPECT_EQ(as_int(claims.value()[0][0]), storage::schema_version())
      << "each migration claimed once";
  auto keyless = dbs[2]->query(
      "SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = DATABASE() "
      "AND t.table_type = 'BASE TABLE' AND NOT EXISTS (SELECT 1 FROM "
      "information_schema.table_constraints c WHERE c.table_schema = t.table_schema AND "
      "c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')");
  ASSERT_TRUE(keyless.ok());
  std::string names;
  for (const auto& r : keyless.value()) names += as_text(r[0]) + " ";
  EXPECT_TRUE(keyless->empty()) << "tables without a primary key: " << names;
}

TEST_F(GaleraTest, HostsOnThreeNodesSeeEachOtherAndNeverReadStaleState) {
  std::vector<std::shared_ptr<storage::Database>> dbs = {open(0), open(1), open(2)};
  std::vector<std::unique_ptr<HostPeers>> peers;
  std::vector<std::unique_ptr<storage::KvStore>> kv;
  for (size_t n = 0; n < 3; ++n) {
    peers.push_back(std::make_unique<HostPeers>(dbs[n], "galera-host-" + std::to_string(n), kFast));
    ASSERT_TRUE(peers.back()->join().ok());
    kv.push_back(std::make_unique<storage::KvStore>(dbs[n]));
    kv.back()->set_sole_writer_check([p = peers.back().get()] { return p->alone(); });
  }
  ASSERT_TRUE(testing::eventually([&] { return peers[0]->others() == 2; }, 10));
  EXPECT_EQ(peers[2]->others(), 2);
  for (int round = 0; round < 20; ++round) {
    size_t writer = static_cast<size_t>(round) % 3, reader = (writer + 1) % 3;
    std::string value = "v" + std::to_string(round);
    ASSERT_TRUE(kv[writer]->put("p", 0, "session", value).ok());
    // Galera replicates at commit; a read on another node waits for it (wsrep_sync_wait is
    // not set here), so the reader may lag a moment but never serves a cached old value.
    EXPECT_TRUE(testing::eventually([&] { return read(*kv[reader], "session") == value; }, 5))
        << "round " << round;
    EXPECT_EQ(kv[reader]->cached_for_tests(), 0u);
  }

  // Node 3 stops; state written meanwhile through node 1 is there when it rejoins.
  peers[2]->leave();
  kv[2].reset();
  dbs[2].reset();
  cluster_->stop_node(2);
  ASSERT_TRUE(kv[0]->put("p", 0, "session", "while node 3 was away").ok());
  cluster_->start_node(2);
  auto back = open(2);
  ASSERT_TRUE(back);
  storage::KvStore rejoined(back);
  EXPECT_TRUE(testing::eventually(
      [&] { return read(rejoined, "session") == "while node 3 was away"; }, 20));
  for (auto& p : peers)
    if (p) p->leave();
}

// Hosts on three nodes append to the one audit chain at once: Galera refuses all but one of
// the commits that raced (a certification conflict, reported as a deadlock), and each
// refused append is run again on the new head, so none is lost and the chain verifies.
TEST_F(GaleraTest, AuditAppendsFromEveryNodeAtOnceAllLandInOneIntactChain) {
  auto keys = audit::KeyRing::ephemeral();
  std::vector<std::unique_ptr<audit::AuditLog>> logs;
  for (size_t n = 0; n < 3; ++n) {
    auto db = open(n);
    ASSERT_TRUE(db);
    logs.push_back(std::make_unique<audit::AuditLog>(db, keys));
  }
  auto before = logs[0]->verify();
  ASSERT_TRUE(before.ok()) << before.status().message();
  constexpr int kEach = 60;
  std::vector<std::thread> writers;
  std::vector<int> failed(6, 0);
  for (size_t w = 0; w < failed.size(); ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        audit::Entry e;
        e.at = 1;
        e.principal = "operator:node" + std::to_string(w % 3);
        e.action = "galera_race";
        e.detail = std::to_string(w) + "/" + std::to_string(i);
        Status st = logs[w % 3]->append(e);
        if (!st.ok() && failed[w]++ == 0) ADD_FAILURE() << "writer " << w << ": " << st.message();
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failed, std::vector<int>(6, 0));
  auto after = logs[2]->verify();
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_TRUE(after->intact) << after->problem;
  EXPECT_EQ(after->rows_checked - before->rows_checked, 6 * kEach);
}

// The several-hosts run of several_hosts_test.cpp with a host on each node, while node 3
// (under host 3) is stopped and started again: its host waits for it and goes on.
TEST_F(GaleraTest, AHostOnEachNodeStoresEveryRecordOnceThroughANodeRestart) {
  testing::run_three_hosts({cluster_->node(0), cluster_->node(1), cluster_->node(2)}, [] {
    cluster_->stop_node(2);
    std::this_thread::sleep_for(2s);
    cluster_->start_node(2);
  });
}

}  // namespace
}  // namespace mvne::platform
