#include "core/audit/audit_log.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/storage/value.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::audit {
namespace {

class AuditLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 5; ++i) {
      Entry e;
      e.at = i * 1000;
      e.principal = i % 2 ? "tenant:acme" : "tenant:bolt";
      e.plugin = "voice_cdr";
      e.action = "http_response";
      e.record_kind = "cdr";
      e.row_count = i * 10;
      e.request_id = "r" + std::to_string(i);
      e.detail = "GET /api/v1/voice/cdrs -> 200";
      ASSERT_TRUE(log_.append(e).ok());
    }
  }
  Status sql(const std::string& statement, const storage::Params& params = {}) {
    auto lease = test_db_.db()->acquire();
    return (*lease)->execute(statement, params);
  }
  std::vector<storage::Row> rows() {
    auto lease = test_db_.db()->acquire();
    return (*lease)
        ->query(
            "SELECT id, at, principal, plugin, action, record_kind, row_count, request_id, "
            "detail, key_id FROM audit_log ORDER BY id")
        .value();
  }
  // Rewrites every row as `rewrite` says and recomputes the whole chain (and the head) with
  // `hash`, as someone with write access to a copy of the database would.
  void rewrite_chain(const std::function<void(Entry&)>& rewrite,
                     const std::function<std::string(const std::string&, const Entry&)>& hash) {
    std::string previous;
    for (const auto& r : rows()) {
      Entry e{storage::as_int(r[0]),  storage::as_int(r[1]),  storage::as_text(r[2]),
              storage::as_text(r[3]), storage::as_text(r[4]), storage::as_text(r[5]),
              storage::as_int(r[6]),  storage::as_text(r[7]), storage::as_text(r[8])};
      rewrite(e);
      std::string h = hash(previous, e);
      ASSERT_TRUE(sql("UPDATE audit_log SET principal = ?, detail = ?, prev_hash = ?, hash = ? "
                      "WHERE id = ?",
                      {e.principal, e.detail, previous, h, e.id})
                      .ok());
      previous = h;
    }
    ASSERT_TRUE(sql("UPDATE audit_head SET hash = ? WHERE id = 1", {previous}).ok());
  }

  testing::TestDatabase test_db_{GetParam()};
  std::shared_ptr<const KeyRing> keys_ = KeyRing::ephemeral();
  AuditLog log_{test_db_.db(), keys_};
};

TEST_P(AuditLogTest, IntactChainVerifies) {
  auto r = log_.verify();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->rows_checked, 5);
  for (const auto& row : rows()) EXPECT_EQ(storage::as_text(row[9]), keys_->current().id);
}

TEST_P(AuditLogTest, ChangedRowIsDetected) {
  ASSERT_TRUE(sql("UPDATE audit_log SET row_count = 1 WHERE id = 3").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_EQ(r->bad_row, 3);
  EXPECT_EQ(r->problem, "row #3 was changed after it was written");
}

TEST_P(AuditLogTest, DeletedRowIsDetected) {
  ASSERT_TRUE(sql("DELETE FROM audit_log WHERE id = 2").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_NE(r->problem.find("row #3 does not follow the row before it"), std::string::npos);
}

TEST_P(AuditLogTest, DeletedLastRowIsDetected) {
  ASSERT_TRUE(sql("DELETE FROM audit_log WHERE id = 5").ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_NE(r->problem.find("4 of 5 rows remain"), std::string::npos) << r->problem;
}

// Rewriting every principal and recomputing the chain without the key does not verify: not
// with the unkeyed hash rows used to have, nor with a key of the forger's own.
TEST_P(AuditLogTest, RewrittenChainWithoutTheKeyFails) {
  auto to_bolt = [](Entry& e) { e.principal = "tenant:bolt"; };
  rewrite_chain(to_bolt, unkeyed_chain_hash);
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_EQ(r->bad_row, 1);
  EXPECT_EQ(r->problem, "row #1 was changed after it was written");

  AuditKey forged{keys_->current().id, std::string(32, 'x')};
  rewrite_chain(to_bolt, [&](const std::string& previous, const Entry& e) {
    return chain_hash(forged, previous, e);
  });
  EXPECT_EQ(log_.verify()->bad_row, 1);

  // Recomputed with the real key, the same rewrite verifies: the key is what protects.
  rewrite_chain(to_bolt, [&](const std::string& previous, const Entry& e) {
    return chain_hash(keys_->current(), previous, e);
  });
  EXPECT_TRUE(log_.verify()->intact);
}

// Fields are length-prefixed: a space swapped for 0x1f (the old separator) is a change.
TEST_P(AuditLogTest, SeparatorSwapIsDetected) {
  ASSERT_TRUE(sql("UPDATE audit_log SET detail = ? WHERE id = 2",
                  {"GET\x1f/api/v1/voice/cdrs\x1f->\x1f" "200"})
                  .ok());
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_EQ(r->bad_row, 2);
  // Moving bytes from one field to the next is a change too.
  Entry a{7, 1, "tenant:acme", "p", "x", "", 0, "r", ""};
  Entry b = a;
  b.principal = "tenant:";
  b.plugin = "acmep";
  EXPECT_NE(chain_hash(keys_->current(), "", a), chain_hash(keys_->current(), "", b));
}

// A row signed with a key the ring does not hold is named.
TEST_P(AuditLogTest, UnknownKeyIsNamed) {
  AuditLog other(test_db_.db(), KeyRing::ephemeral());
  ASSERT_TRUE(other.append({0, 9000, "tenant:acme", "p", "http_response", "", 1, "r6", ""}).ok());
  EXPECT_TRUE(other.verify()->intact == false);  // rows 1-5 are not its key's
  auto r = log_.verify();
  EXPECT_FALSE(r->intact);
  EXPECT_EQ(r->bad_row, 6);
  EXPECT_NE(r->problem.find("which the key file does not hold"), std::string::npos) << r->problem;
}

// Appends from many threads at once share commits; every entry is stored exactly once, in
// one unbroken chain.
TEST_P(AuditLogTest, ConcurrentAppendsAreEachStoredOnce) {
  constexpr int kThreads = 16, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Entry e{0,
                0,
                "tenant:acme",
                "p",
                "http_response",
                "",
                1,
                "c" + std::to_string(t) + "-" + std::to_string(i),
                ""};
        if (!log_.append(e).ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  std::multiset<std::string> ids;
  for (const auto& r : rows()) ids.insert(storage::as_text(r[7]));
  EXPECT_EQ(ids.size(), 5u + kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i)
      EXPECT_EQ(ids.count("c" + std::to_string(t) + "-" + std::to_string(i)), 1u);
  }
  auto r = log_.verify();
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->rows_checked, 5 + kThreads * kEach);
}

// A commit that fails fails every entry in it and stores none; the log then goes on.
TEST_P(AuditLogTest, FailedCommitStoresNothingAndReportsIt) {
  ASSERT_TRUE(sql("ALTER TABLE audit_log RENAME TO audit_log_away").ok());
  EXPECT_FALSE(log_.append({0, 0, "tenant:acme", "p", "http_response", "", 1, "lost", ""}).ok());
  ASSERT_TRUE(sql("ALTER TABLE audit_log_away RENAME TO audit_log").ok());
  ASSERT_TRUE(log_.append({0, 0, "tenant:acme", "p", "http_response", "", 1, "kept", ""}).ok());
  auto all = rows();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(storage::as_text(all.back()[7]), "kept");
  EXPECT_TRUE(log_.verify()->intact);
}

// Rows written before the chain was keyed are re-signed once their unkeyed chain checks out.
TEST_P(AuditLogTest, UnkeyedRowsAreSealed) {
  rewrite_chain([](Entry&) {}, unkeyed_chain_hash);
  ASSERT_TRUE(sql("UPDATE audit_log SET key_id = ''").ok());
  auto before = log_.verify();
  EXPECT_EQ(before->bad_row, 1);
  EXPECT_NE(before->problem.find("has no key id"), std::string::npos) << before->problem;
  ASSERT_TRUE(log_.seal_unkeyed().ok());
  auto after = log_.verify();
  EXPECT_TRUE(after->intact) << after->problem;
  EXPECT_EQ(after->rows_checked, 5);
  ASSERT_TRUE(log_.append({0, 0, "tenant:acme", "p", "http_response", "", 1, "r6", ""}).ok());
  EXPECT_TRUE(log_.verify()->intact);
}

// A broken unkeyed chain is not sealed: sealing must not launder a rewrite.
TEST_P(AuditLogTest, BrokenUnkeyedRowsAreNotSealed) {
  rewrite_chain([](Entry&) {}, unkeyed_chain_hash);
  ASSERT_TRUE(sql("UPDATE audit_log SET key_id = ''").ok());
  ASSERT_TRUE(sql("UPDATE audit_log SET row_count = 99 WHERE id = 4").ok());
  Status st = log_.seal_unkeyed();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("breaks at row #4"), std::string::npos) << st.message();
  EXPECT_EQ(log_.verify()->bad_row, 1);
}

// Exposure sums deliveries by principal in the window, optionally for one tenant.
TEST_P(AuditLogTest, ExposureSumsDeliveriesInTheWindow) {
  auto all = log_.exposure(2000, 5000, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all.value()[0].principal, "tenant:acme");
  EXPECT_EQ(all.value()[0].rows, 30);  // entry 3 only (at 3000)
  EXPECT_EQ(all.value()[1].principal, "tenant:bolt");
  EXPECT_EQ(all.value()[1].rows, 20 + 40);
  auto bolt = log_.exposure(0, 10000, "bolt");
  ASSERT_EQ(bolt->size(), 1u);
  EXPECT_EQ(bolt.value()[0].deliveries, 2);
}

// A tenant code is matched as written: '_' is not a wildcard.
TEST_P(AuditLogTest, ExposureTenantIsNotAPattern) {
  ASSERT_TRUE(log_.append({0, 100, "consumer:abc/u1", "p", "http_response", "", 7, "x", ""}).ok());
  ASSERT_TRUE(log_.append({0, 100, "consumer:a_c/u2", "p", "http_response", "", 3, "y", ""}).ok());
  auto lines = log_.exposure(0, 10000, "a_c");
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines.value()[0].principal, "consumer:a_c/u2");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::audit
