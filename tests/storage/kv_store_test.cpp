// The plugins' key-value state and its read cache, on SQLite and MariaDB: the cache only
// ever answers with committed values, in commit order, and stays bounded.
#include "core/storage/kv_store.h"

#include <gtest/gtest.h>

#include "core/storage/migrations.h"
#include "tests/support/test_database.h"

namespace mvne::storage {
namespace {

class KvStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(migrate(*test_db_.db()).ok()); }

  std::string read(KvStore& kv, const std::string& key, int64_t tenant = 0) {
    auto v = kv.get("p", tenant, key);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() && v->has_value() ? **v : "<none>";
  }
  // What the table holds, past any cache.
  std::string stored(const std::string& key) {
    auto rows = test_db_.db()->query("SELECT v FROM kv_store WHERE plugin = 'p' AND k = ?", {key});
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? as_text(rows.value()[0][0]) : "<none>";
  }

  testing::TestDatabase test_db_{GetParam()};
  KvStore kv_{test_db_.db()};
};

TEST_P(KvStoreTest, CommittedWritesAreReadBackAndCached) {
  EXPECT_EQ(read(kv_, "a"), "<none>");
  ASSERT_TRUE(kv_.put("p", 0, "a", "1").ok());
  ASSERT_TRUE(kv_.put("p", 0, "a", "2").ok());
  EXPECT_EQ(read(kv_, "a"), "2");
  EXPECT_EQ(stored("a"), "2");
  EXPECT_EQ(kv_.cached_for_tests(), 1u);
  // A tenant's rows are read from the table each time, never cached.
  ASSERT_TRUE(kv_.put("p", 7, "a", "tenant").ok());
  EXPECT_EQ(read(kv_, "a", 7), "tenant");
  EXPECT_EQ(read(kv_, "a"), "2");
  EXPECT_EQ(kv_.cached_for_tests(), 1u);
}

// A write whose transaction rolls back is never served, neither while it is pending nor
// after, and the value of before is read again.
TEST_P(KvStoreTest, RolledBackWriteIsNeverServed) {
  ASSERT_TRUE(kv_.put("p", 0, "s", "before").ok());
  KvStore::Ticket ticket;
  std::string seen_while_pending;
  Status st = test_db_.db()->transaction([&](Connection& c) {
    auto t = kv_.put_in(c, "p", 0, {{"s", "lost"}, {"t", "lost"}});
    if (!t.ok()) return t.status();
    ticket = t.value();
    if (GetParam() == "mysql") seen_while_pending = read(kv_, "s");  // another connection
    return Status::Internal("the batch failed");
  });
  ASSERT_FALSE(st.ok());
  kv_.settle(ticket, false);
  if (GetParam() == "mysql") {
    EXPECT_EQ(seen_while_pending, "before");
  }
  EXPECT_EQ(read(kv_, "s"), "before");
  EXPECT_EQ(read(kv_, "t"), "<none>");
}

// A write settled late (after the next write of its key began) does not make the next
// write's value readable before that one commits; the next one then rolls back.
TEST_P(KvStoreTest, LateSettleDoesNotPublishTheNextWrite) {
  KvStore::Ticket first;
  ASSERT_TRUE(test_db_.db()
                  ->transaction([&](Connection& c) {
                    auto t = kv_.put_in(c, "p", 0, {{"k", "first"}});
                    if (t.ok()) first = t.value();
                    return t.status();
                  })
                  .ok());
  KvStore::Ticket second;
  std::string seen;
  Status st = test_db_.db()->transaction([&](Connection& c) {
    auto t = kv_.put_in(c, "p", 0, {{"k", "second"}});
    if (!t.ok()) return t.status();
    second = t.value();
    kv_.settle(first, true);  // the first batch's completion runs only now
    seen = read(kv_, "k");
    return Status::Internal("the second batch failed");
  });
  ASSERT_FALSE(st.ok());
  kv_.settle(second, false);
  EXPECT_EQ(seen, "first");
  EXPECT_EQ(read(kv_, "k"), "first");
  EXPECT_EQ(stored("k"), "first");
}

// The last write of a key in one batch wins; batches of every size round-trip (statements
// are padded to fixed shapes with repeated writes).
TEST_P(KvStoreTest, BatchesOfEverySizeKeepTheLastWrite) {
  for (size_t n : {1u, 2u, 5u, 7u, 13u, 100u, 300u}) {
    KvStore::Writes writes;
    for (size_t i = 0; i < n; ++i) writes.emplace_back("k" + std::to_string(i), "old");
    for (size_t i = 0; i < n; ++i)
      writes.emplace_back("k" + std::to_string(i), std::to_string(n) + "-" + std::to_string(i));
    KvStore::Ticket ticket;
    Status st = test_db_.db()->transaction([&](Connection& c) {
      auto t = kv_.put_in(c, "p", 0, writes);
      if (t.ok()) ticket = t.value();
      return t.status();
    });
    ASSERT_TRUE(st.ok()) << n << ": " << st.message();
    kv_.settle(ticket, true);
    for (size_t i : {size_t{0}, n / 2, n - 1}) {
      std::string want = std::to_string(n) + "-" + std::to_string(i);
      EXPECT_EQ(read(kv_, "k" + std::to_string(i)), want) << n;
      EXPECT_EQ(stored("k" + std::to_string(i)), want) << n;
    }
  }
  auto rows = test_db_.db()->query("SELECT COUNT(*) FROM kv_store");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(as_int(rows.value()[0][0]), 300);
}

// The cache is bounded; what fell out of it is read from the table.
TEST_P(KvStoreTest, CacheIsBounded) {
  KvStore small(test_db_.db(), 4);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(small.put("p", 0, "k" + std::to_string(i), "v").ok());
  EXPECT_LE(small.cached_for_tests(), 4u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(read(small, "k" + std::to_string(i)), "v");
}

// An empty value deletes its key, through the cache and in the table, alone or in a batch.
TEST_P(KvStoreTest, EmptyValueDeletesTheKey) {
  ASSERT_TRUE(kv_.put("p", 0, "a", "1").ok());
  ASSERT_TRUE(kv_.put("p", 0, "a", "").ok());
  EXPECT_EQ(read(kv_, "a"), "<none>");
  EXPECT_EQ(stored("a"), "<none>");
  KvStore::Ticket ticket;
  Status st = test_db_.db()->transaction([&](Connection& c) {
    auto t = kv_.put_in(c, "p", 0, {{"b", "1"}, {"c", "1"}, {"d", "1"}, {"c", ""}, {"d", ""}});
    if (t.ok()) ticket = t.value();
    return t.status();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  kv_.settle(ticket, true);
  EXPECT_EQ(read(kv_, "b"), "1");
  EXPECT_EQ(read(kv_, "c"), "<none>");
  EXPECT_EQ(stored("d"), "<none>");
  ASSERT_TRUE(kv_.put("p", 7, "t", "x").ok());
  ASSERT_TRUE(kv_.put("p", 7, "t", "").ok());
  EXPECT_EQ(read(kv_, "t", 7), "<none>");
}

// count_write admits updates and deletions always, new keys up to the limit of each
// (plugin, tenant) store, and takes the count from the table when it starts or is full.
TEST_P(KvStoreTest, NewKeysAreBoundedPerStore) {
  auto write = [&](int64_t tenant, const std::string& key, const std::string& value) {
    Status st = kv_.count_write("p", tenant, key, value.empty(), 2);
    if (st.ok()) st = kv_.put("p", tenant, key, value);
    return st;
  };
  ASSERT_TRUE(kv_.put("p", 3, "before", "x").ok());  // written before the count was taken
  EXPECT_TRUE(write(3, "a", "1").ok());
  Status full = write(3, "b", "1");
  EXPECT_EQ(full.code(), Code::kFailedPrecondition);
  EXPECT_NE(full.message().find("plugin 'p' (tenant 3) already holds 2 keys"), std::string::npos)
      << full.message();
  EXPECT_TRUE(write(3, "a", "2").ok()) << "an update adds no key";
  EXPECT_TRUE(write(4, "b", "1").ok()) << "another tenant's store is counted apart";
  EXPECT_TRUE(write(-2, "b", "1").ok()) << "so is each store without a tenant";
  EXPECT_TRUE(write(3, "before", "").ok());
  EXPECT_TRUE(write(3, "b", "1").ok()) << "a deletion makes room";
}

INSTANTIATE_TEST_SUITE_P(Backends, KvStoreTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::storage
