// Several hosts on one database, on SQLite and MariaDB: each sees the others through table
// hosts within a beat, a joining host waits until the running ones have seen it, a host
// that stops or dies is gone after its lease; and the plugins' state cache, correct for one
// writer, is switched off while another host shares the database, so no host reads a value
// another has overwritten (the control: a store that believes itself alone does).
#include "core/platform/host_peers.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "core/common/time.h"
#include "core/storage/kv_store.h"
#include "core/storage/migrations.h"
#include "tests/support/host_process.h"
#include "tests/support/test_database.h"

namespace mvne::platform {
namespace {

using namespace std::chrono_literals;

// Fast beats, so the test takes a second or two; the host uses a 1 s beat.
const HostPeers::Timing kFast{100ms, 150ms, 500ms, 250ms};

class HostPeersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(storage::migrate(*test_db_.db()).ok()); }

  std::string read(storage::KvStore& kv, const std::string& key) {
    auto v = kv.get("p", 0, key);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() && v->has_value() ? **v : "<none>";
  }

  testing::TestDatabase test_db_{GetParam()};
};

TEST_P(HostPeersTest, HostsSeeEachOtherAndAJoiningHostWaitsToBeSeen) {
  HostPeers a(test_db_.db(), "a", kFast);
  ASSERT_TRUE(a.join().ok());
  EXPECT_TRUE(a.alone());
  HostPeers b(test_db_.db(), "b", kFast);
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(b.join().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - started, kFast.join) << "b waited to be seen";
  EXPECT_EQ(b.others(), 1);
  EXPECT_FALSE(b.alone());
  EXPECT_FALSE(a.alone()) << "a has seen b before b returned from join";
  b.leave();
  EXPECT_TRUE(testing::eventually([&] { return a.alone(); }, 5)) << "b left";

  std::optional<HostPeers> c;
  c.emplace(test_db_.db(), "c", kFast);
  ASSERT_TRUE(c->join().ok());
  EXPECT_FALSE(a.alone());
  c.reset();  // dies without leaving: its row stays until the lease runs out
  EXPECT_FALSE(a.alone());
  EXPECT_TRUE(testing::eventually([&] { return a.alone(); }, 5)) << "c's lease ran out";
}

// A host killed on this machine and started again does not wait for its own old row: a
// process that no longer runs is no peer. One on another machine counts until its lease ends.
TEST_P(HostPeersTest, ARowOfAProcessGoneFromThisMachineIsNoPeer) {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  const int64_t now = now_us();
  for (const std::string& id : {std::string(name) + ":" + std::to_string(gone) + ":12345",
                                std::string("elsewhere.example:") + std::to_string(gone) + ":12345"})
    ASSERT_TRUE(test_db_.db()
                    ->execute("INSERT INTO hosts (id, started_at, last_seen) VALUES (?, ?, ?)",
                              {id, now, now})
                    .ok());
  HostPeers self(test_db_.db(), "", kFast);
  ASSERT_TRUE(self.join().ok());
  EXPECT_EQ(self.others(), 1) << "the other machine's host, not the dead local one";
  EXPECT_EQ(self.id().rfind(std::string(name) + ":" + std::to_string(getpid()) + ":", 0), 0u);
  EXPECT_TRUE(testing::eventually([&] { return self.alone(); }, 5)) << "the other's lease ends";
}

TEST_P(HostPeersTest, NoHostReadsPluginStateAnotherOverwrote) {
  HostPeers a_peers(test_db_.db(), "a", kFast);
  ASSERT_TRUE(a_peers.join().ok());
  storage::KvStore a(test_db_.db()), b(test_db_.db()), believes_alone(test_db_.db());
  a.set_sole_writer_check([&] { return a_peers.alone(); });
  ASSERT_TRUE(a.put("p", 0, "session", "1").ok());
  EXPECT_EQ(read(a, "session"), "1");
  EXPECT_EQ(a.cached_for_tests(), 1u) << "alone: cached";
  EXPECT_EQ(read(believes_alone, "session"), "1");
  ASSERT_EQ(believes_alone.cached_for_tests(), 0u);
  ASSERT_TRUE(believes_alone.put("p", 0, "other", "x").ok());
  EXPECT_EQ(read(believes_alone, "other"), "x");

  // A second host joins, then writes.
  HostPeers b_peers(test_db_.db(), "b", kFast);
  ASSERT_TRUE(b_peers.join().ok());
  b.set_sole_writer_check([&] { return b_peers.alone(); });
  ASSERT_TRUE(b.put("p", 0, "session", "2").ok());
  ASSERT_TRUE(b.put("p", 0, "other", "y").ok());
  EXPECT_EQ(read(a, "session"), "2") << "a reads what b wrote";
  EXPECT_EQ(a.cached_for_tests(), 0u) << "not alone: nothing cached";
  EXPECT_EQ(read(believes_alone, "other"), "x") << "the control: a cache that assumes one writer is stale";

  // b goes; a is alone again and caches afresh, from what the table holds.
  b_peers.leave();
  ASSERT_TRUE(testing::eventually([&] { return a_peers.alone(); }, 5));
  EXPECT_EQ(read(a, "session"), "2");
  ASSERT_TRUE(a.put("p", 0, "session", "3").ok());
  EXPECT_EQ(read(a, "session"), "3");
  EXPECT_EQ(a.cached_for_tests(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, HostPeersTest, ::testing::ValuesIn(testing::test_backends()));

}  // namespace
}  // namespace mvne::platform
