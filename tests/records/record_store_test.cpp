#include "core/records/record_store.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "core/common/time.h"
#include "core/tenancy/directory.h"
#include "tests/support/test_database.h"

namespace mvne::records {
namespace {

using storage::Row;
int64_t at(const char* iso) { return parse_time_us(iso).value(); }

KindDef cdr_kind() {
  KindDef k;
  k.plugin = "voice";
  k.kind = "cdr";
  k.fields = {{"record_id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
              {"start", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
              {"calling", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
              {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
              {"called", MVNE_FIELD_TEXT, 0},
              {"seconds", MVNE_FIELD_INT64, 0}};
  EXPECT_TRUE(validate(k).ok());
  return k;
}

Row cdr(const std::string& id, const char* start, const std::string& msisdn, int64_t seconds,
        const std::string& imsi = "") {
  return {id, at(start), msisdn, imsi, std::string("+81311112222"), seconds};
}

class RecordStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir_.add_tenant({0, t, t, "UTC", "/tmp", {}}).ok());
      ASSERT_TRUE(dir_.add_plan({0, t, "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
      for (const char* a : {"u1", "u2"}) {
        ASSERT_TRUE(
            dir_.add_subscriber({0, t, a, "svc", "basic", std::string(a) + "@" + t + ".example"})
                .ok());
      }
    }
    // 09011110000: acme/u1 in January, then bolt/u1 from February 1st.
    assign("acme", "u1", "09011110000", "2026-01-01", "2026-02-01", "440100000000001");
    assign("bolt", "u1", "09011110000", "2026-02-01", nullptr, "440200000000001");
    assign("acme", "u2", "09022220000", "2026-01-01", nullptr, "440100000000002");
    ASSERT_TRUE(store_.ensure(kind_).ok());
    ids_ = {{"acme", tenant_id("acme")}, {"bolt", tenant_id("bolt")}};
  }
  void assign(const char* t, const char* a, const char* msisdn, const char* from, const char* to,
              const char* imsi) {
    tenancy::LineAssignment l{t, a, "", msisdn, imsi, "", at(from), to ? at(to) : kForever};
    ASSERT_TRUE(dir_.assign(l).ok());
  }
  int64_t tenant_id(const std::string& code) { return dir_.tenant(code)->id; }
  auth::Principal tenant(const std::string& code) {
    auth::Principal p;
    p.kind = auth::Principal::Kind::kTenant;
    p.tenant_id = tenant_id(code);
    p.tenant_code = code;
    return p;
  }
  auth::Principal consumer(const std::string& code, const std::string& account) {
    auth::Principal p = tenant(code);
    p.kind = auth::Principal::Kind::kConsumer;
    for (const auto& s : dir_.subscribers(code).value()) {
      if (s.account_id == account) p.subscriber_id = s.id;
    }
    p.account_id = account;
    return p;
  }
  std::vector<std::string> ids_of(const QueryResult& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) out.push_back(storage::as_text(row[0]));
    return out;
  }
  // Every page of `spec` in order (each id once is checked by the callers).
  std::vector<std::string> read_pages(const auth::Principal& p, QuerySpec spec) {
    std::vector<std::string> out;
    for (int guard = 0; guard < 100; ++guard) {
      auto r = store_.query(kind_, p, spec);
      EXPECT_TRUE(r.ok()) << r.status().message();
      if (!r.ok()) break;
      auto ids = ids_of(r.value());
      out.insert(out.end(), ids.begin(), ids.end());
      if (r->next_cursor.empty()) break;
      spec.cursor = r->next_cursor;
    }
    return out;
  }
  std::set<std::string> read_all_pages(const auth::Principal& p) {
    QuerySpec spec;
    spec.limit = 50;
    std::set<std::string> out;
    for (const auto& id : read_pages(p, spec))
      EXPECT_TRUE(out.insert(id).second) << "seen twice: " << id;
    return out;
  }
  std::vector<std::string> read_all(const auth::Principal& p) {
    auto r = store_.query(kind_, p, QuerySpec{});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? ids_of(r.value()) : std::vector<std::string>{};
  }

  testing::TestDatabase test_db_{GetParam()};
  tenancy::Directory dir_{test_db_.db(), {}};
  RecordStore store_{test_db_.db(), {}};
  KindDef kind_ = cdr_kind();
  std::map<std::string, int64_t> ids_;
};

// Records go to the holder of the number at the event time, never the current one.
TEST_P(RecordStoreTest, AttributesByIdentifierAndEventTime) {
  auto counts = store_.submit(kind_,
                              {cdr("c1", "2026-01-15T10:00:00Z", "090-1111-0000", 60),
                               cdr("c2", "2026-02-15T10:00:00Z", "09011110000", 30),
                               cdr("c3", "2026-01-20T10:00:00Z", "+819022220000", 10)},
                              "test");
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->stored, 3);
  EXPECT_EQ(read_all(tenant("acme")), (std::vector<std::string>{"c1", "c3"}));
  EXPECT_EQ(read_all(tenant("bolt")), (std::vector<std::string>{"c2"}));
  // The number's new holder never sees the previous holder's call.
  EXPECT_EQ(read_all(consumer("bolt", "u1")), (std::vector<std::string>{"c2"}));
  EXPECT_EQ(read_all(consumer("acme", "u1")), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(read_all(consumer("acme", "u2")), (std::vector<std::string>{"c3"}));
}

// A row stored under the wrong holder (a botched correction, a faulty writer) stays outside
// that holder's reads: they keep to the window of the assignment the row names. Here the
// previous holder's January call is moved by hand to the number's February holder.
TEST_P(RecordStoreTest, AWronglyStoredRowStaysOutsideItsHoldersWindow) {
  auto counts = store_.submit(kind_,
                              {cdr("c1", "2026-01-15T10:00:00Z", "09011110000", 60),
                               cdr("c2", "2026-02-15T10:00:00Z", "09011110000", 30)},
                              "test");
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  auto lease = test_db_.db()->acquire();
  ASSERT_TRUE(lease.ok());
  auto c2 = (*lease)->query("SELECT tenant_id, subscriber_id, assignment_id FROM " + kind_.table +
                            " WHERE f_record_id = 'c2'");
  ASSERT_TRUE(c2.ok() && c2->size() == 1);
  const Row& holder = c2.value()[0];
  ASSERT_TRUE((*lease)
                  ->execute("UPDATE " + kind_.table +
                                " SET tenant_id = ?, subscriber_id = ?, assignment_id = ? "
                                "WHERE f_record_id = 'c1'",
                            {holder[0], holder[1], holder[2]})
                  .ok());
  EXPECT_EQ(read_all(tenant("bolt")), (std::vector<std::string>{"c2"}));
  EXPECT_EQ(read_all(consumer("bolt", "u1")), (std::vector<std::string>{"c2"}));
}

// No assignment, conflicting identifiers and malformed records go to quarantine with the
// reason; nothing is attributed to a default tenant.
TEST_P(RecordStoreTest, QuarantinesWhatItCannotAttribute) {
  auto counts = store_.submit(
      kind_,
      {cdr("q1", "2025-12-31T23:59:59Z", "09011110000", 5),                     // before any holder
       cdr("q2", "2026-01-10T00:00:00Z", "09011110000", 5, "440100000000002"),  // IMSI says u2
       cdr("q3", "2026-01-10T00:00:00Z", "0901111000x", 5),                     // bad number
       Row{std::string("q4"), std::string("not a time"), std::string("09011110000"), std::string(),
           std::string(), int64_t{1}}},  // wrong type
      "spool/a.csv");
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->stored, 0);
  EXPECT_EQ(counts->quarantined, 4);
  auto q = store_.quarantine(false).value();
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NE(q[0].reason.find("msisdn +819011110000 has no assignment at 2025-12-31T23:59:59Z"),
            std::string::npos)
      << q[0].reason;
  EXPECT_NE(q[1].reason.find("identifiers disagree"), std::string::npos) << q[1].reason;
  EXPECT_NE(q[2].reason.find("unexpected character 'x'"), std::string::npos) << q[2].reason;
  EXPECT_EQ(q[3].reason, "field 'start' is not TIME");
  EXPECT_EQ(q[0].source, "spool/a.csv");
  EXPECT_TRUE(read_all(tenant("acme")).empty());
  EXPECT_TRUE(read_all(tenant("bolt")).empty());
}

// The same record twice is stored once, in the store and in quarantine alike; a record
// quarantined already counts as quarantined again, never as a duplicate.
TEST_P(RecordStoreTest, DuplicatesAreStoredOnce) {
  auto first = store_.submit(kind_,
                             {cdr("d1", "2026-01-15T10:00:00Z", "09011110000", 60),
                              cdr("d1", "2026-01-15T10:00:00Z", "09011110000", 60),
                              cdr("dq", "2025-01-01T00:00:00Z", "09011110000", 1)},
                             "a");
  auto again = store_.submit(kind_,
                             {cdr("d1", "2026-01-15T10:00:00Z", "09011110000", 60),
                              cdr("dq", "2025-01-01T00:00:00Z", "09011110000", 1)},
                             "b");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->stored, 1);
  EXPECT_EQ(first->duplicates, 1);
  EXPECT_EQ(again->stored, 0);
  EXPECT_EQ(again->quarantined, 1);
  EXPECT_EQ(again->duplicates, 1);
  EXPECT_EQ(read_all(tenant("acme")).size(), 1u);
  EXPECT_EQ(store_.quarantine(false)->size(), 1u);
}

// After the operator fixes the assignment, a quarantined record is released to its holder.
TEST_P(RecordStoreTest, ReleaseReattributesAfterTheFix) {
  ASSERT_TRUE(
      store_.submit(kind_, {cdr("r1", "2026-03-01T00:00:00Z", "09033330000", 9)}, "s").ok());
  auto item = store_.quarantine(false).value().at(0);
  EXPECT_FALSE(store_.release(item.id).ok()) << "still no holder";
  assign("acme", "u2", "09033330000", "2026-02-01", nullptr, "440100000000003");
  auto released = store_.release(item.id);
  ASSERT_TRUE(released.ok()) << released.status().message();
  EXPECT_EQ(released->stored, 1);
  EXPECT_EQ(read_all(consumer("acme", "u2")), (std::vector<std::string>{"r1"}));
  EXPECT_TRUE(store_.quarantine(false)->empty());
  EXPECT_FALSE(store_.release(item.id).ok()) << "released twice";
}

// Filters, aggregates and cursor paging stay inside the scope.
TEST_P(RecordStoreTest, FiltersAggregatesAndPaging) {
  std::vector<Row> batch;
  for (int i = 0; i < 25; ++i) {
    std::string day =
        "2026-01-" + std::string(i % 2 ? "10" : "11") + "T0" + std::to_string(i % 10) + ":00:00Z";
    batch.push_back(
        cdr("p" + std::to_string(i), day.c_str(), i % 3 ? "09011110000" : "09022220000", i));
  }
  batch.push_back(cdr("other", "2026-02-10T00:00:00Z", "09011110000", 1000));  // bolt's
  ASSERT_TRUE(store_.submit(kind_, batch, "s").ok());

  QuerySpec by_line;
  by_line.filters = {{"calling", MVNE_FILTER_EQ, std::string("090-2222-0000")}};
  EXPECT_EQ(store_.query(kind_, tenant("acme"), by_line)->rows.size(), 9u);

  QuerySpec sum_by_line;
  sum_by_line.aggregate = MVNE_AGG_SUM;
  sum_by_line.sum_field = "seconds";
  sum_by_line.group_by = MVNE_GROUP_LINE;
  auto sums = store_.query(kind_, tenant("acme"), sum_by_line).value();
  ASSERT_EQ(sums.rows.size(), 2u);
  int64_t total = storage::as_int(sums.rows[0][1]) + storage::as_int(sums.rows[1][1]);
  EXPECT_EQ(total, 300);  // 0 + 1 + ... + 24, bolt's 1000 not included

  QuerySpec per_day;
  per_day.aggregate = MVNE_AGG_COUNT;
  per_day.group_by = MVNE_GROUP_DAY;
  auto days = store_.query(kind_, tenant("acme"), per_day).value();
  ASSERT_EQ(days.rows.size(), 2u);
  EXPECT_EQ(storage::as_text(days.rows[0][0]), "2026-01-10");  // the tenant's local date
  EXPECT_EQ(storage::as_int(days.rows[0][1]) + storage::as_int(days.rows[1][1]), 25);

  QuerySpec page;
  page.limit = 10;
  std::vector<std::string> seen = read_pages(tenant("acme"), page);
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 25u);
  page.cursor = "zz";
  EXPECT_FALSE(store_.query(kind_, tenant("acme"), page).ok());
}

// Pages ordered by a field some records leave NULL lose none and repeat none, both ways: a
// page that ends on a NULL goes on with the other NULLs, then the values.
TEST_P(RecordStoreTest, PagesOrderedByAFieldWithNullsLoseNothing) {
  std::vector<Row> batch;
  for (int i = 0; i < 7; ++i) {
    Row r = cdr("n" + std::to_string(i), "2026-01-10T00:00:00Z", "09022220000", i);
    if (i % 2 == 0) {
      r[4] = storage::Value{};  // called: NULL
    } else {
      r[4] = "+8131111222" + std::to_string(i);
    }
    batch.push_back(r);
  }
  ASSERT_TRUE(store_.submit(kind_, batch, "s").ok());
  for (bool descending : {false, true}) {
    QuerySpec page;
    page.order_by = "called";
    page.descending = descending;
    page.limit = 2;
    std::vector<std::string> seen = read_pages(tenant("acme"), page);
    EXPECT_EQ(seen.size(), 7u) << (descending ? "descending" : "ascending");
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);
  }
}

// Reads without a tenant or consumer principal are refused, never defaulted.
TEST_P(RecordStoreTest, ReadsNeedAPrincipal) {
  auto r = store_.query(kind_, auth::Principal{}, QuerySpec{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "reads need a tenant or consumer principal");
}

// Random tenants, lines, reassignments and records: every principal reads exactly the
// records it owns, computed here independently of the store.
TEST_P(RecordStoreTest, PropertyEveryPrincipalReadsExactlyItsOwn) {
  std::mt19937 rng(20261127);
  struct Holder {
    std::string tenant, account;
  };
  std::vector<Holder> holders;
  for (const char* t : {"acme", "bolt"}) {
    for (int i = 3; i < 6; ++i) {
      std::string account = "p" + std::to_string(i);
      ASSERT_TRUE(dir_.add_subscriber({0, t, account, "svc", "basic", account + "@" + t}).ok());
      holders.push_back({t, account});
    }
  }
  // Each number: a chain of holders over 2026, handed over at random days.
  struct Period {
    int64_t from, to;
    size_t holder;
  };
  std::map<std::string, std::vector<Period>> periods;
  for (int n = 0; n < 12; ++n) {
    std::string msisdn = "+8180" + std::to_string(10000000 + n);
    int64_t from = at("2026-01-01");
    size_t holder = rng() % holders.size();
    tenancy::LineAssignment first{
        holders[holder].tenant, holders[holder].account, "", msisdn, "", "", from, kForever};
    ASSERT_TRUE(dir_.assign(first).ok());
    for (int moves = rng() % 3; moves > 0; --moves) {
      int64_t when = from + int64_t(1 + rng() % 60) * 86400 * 1000000;
      size_t next = rng() % holders.size();
      tenancy::LineAssignment to{
          holders[next].tenant, holders[next].account, "", msisdn, "", "", when, kForever};
      ASSERT_TRUE(dir_.move(tenancy::IdKind::kMsisdn, msisdn, to).ok());
      periods[msisdn].push_back({from, when, holder});
      from = when;
      holder = next;
    }
    periods[msisdn].push_back({from, kForever, holder});
  }
  std::map<std::string, std::set<std::string>> expected_by_consumer;  // "tenant/account"
  std::map<std::string, std::set<std::string>> expected_by_tenant;
  std::vector<Row> batch;
  for (int i = 0; i < 400; ++i) {
    auto it = periods.begin();
    std::advance(it, rng() % periods.size());
    int64_t t = at("2025-12-25") + int64_t(rng() % (200 * 86400)) * 1000000;
    std::string id = "x" + std::to_string(i);
    batch.push_back(Row{id, t, it->first, std::string(), std::string("+81311112222"), int64_t{1}});
    for (const auto& p : it->second) {
      if (t >= p.from && t < p.to) {
        expected_by_consumer[holders[p.holder].tenant + "/" + holders[p.holder].account].insert(id);
        expected_by_tenant[holders[p.holder].tenant].insert(id);
      }
    }
  }
  ASSERT_TRUE(store_.submit(kind_, batch, "random").ok());
  for (const char* t : {"acme", "bolt"}) {
    auto got = read_all_pages(tenant(t));
    EXPECT_EQ(got, expected_by_tenant[t]) << t;
  }
  for (const auto& h : holders) {
    auto got = read_all_pages(consumer(h.tenant, h.account));
    EXPECT_EQ(got, expected_by_consumer[h.tenant + "/" + h.account])
        << h.tenant << "/" << h.account;
  }
}

// Two tenants' switches reuse record ids: each tenant's call is stored under its holder,
// never taken for the other's duplicate.
TEST_P(RecordStoreTest, DedupIsScopedToTheRecordsHolder) {
  auto acme = store_.submit(kind_, {cdr("0001", "2026-01-15T10:00:00Z", "09022220000", 60)}, "a");
  auto bolt = store_.submit(kind_, {cdr("0001", "2026-02-15T10:00:00Z", "09011110000", 30)}, "b");
  ASSERT_TRUE(acme.ok() && bolt.ok());
  EXPECT_EQ(bolt->stored, 1);
  EXPECT_EQ(bolt->duplicates, 0);
  EXPECT_EQ(read_all(tenant("acme")), (std::vector<std::string>{"0001"}));
  EXPECT_EQ(read_all(tenant("bolt")), (std::vector<std::string>{"0001"}));
}

// The same dedup key with different content is quarantined with that reason, never dropped.
TEST_P(RecordStoreTest, SameKeyWithOtherContentIsQuarantined) {
  auto first = store_.submit(kind_, {cdr("k1", "2026-01-15T10:00:00Z", "09022220000", 60)}, "a");
  auto second = store_.submit(kind_, {cdr("k1", "2026-01-15T10:00:00Z", "09022220000", 61)}, "b");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(second->stored + second->duplicates, 0);
  EXPECT_EQ(second->quarantined, 1);
  auto q = store_.quarantine(false).value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("same dedup key"), std::string::npos) << q[0].reason;
  EXPECT_NE(q[0].payload.find("61"), std::string::npos) << q[0].payload;
}

// Dedup keys of several fields are encoded without ambiguity: values holding the old
// separator do not make two records one.
TEST_P(RecordStoreTest, MultiFieldDedupKeysAreUnambiguous) {
  KindDef k;
  k.plugin = "voice";
  k.kind = "pair";
  k.fields = {{"a", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
              {"b", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
              {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
              {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN}};
  ASSERT_TRUE(validate(k).ok());
  ASSERT_TRUE(store_.ensure(k).ok());
  auto counts = store_.submit(k,
                              {Row{std::string("x\x1f"), std::string("y"),
                                   at("2026-01-15T00:00:00Z"), std::string("09022220000")},
                               Row{std::string("x"), std::string("\x1fy"),
                                   at("2026-01-15T00:00:00Z"), std::string("09022220000")}},
                              "s");
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->stored, 2);
}

// Record kinds whose table names would collide (voice + cdr_cdr, voice_cdr + cdr) never
// share a table: the later one is refused, naming the other.
TEST_P(RecordStoreTest, KindsNeverShareATable) {
  KindDef a = cdr_kind();
  a.plugin = "voice";
  a.kind = "cdr_cdr";
  KindDef b = cdr_kind();
  b.plugin = "voice_cdr";
  b.kind = "cdr";
  ASSERT_TRUE(validate(a).ok() && validate(b).ok());
  ASSERT_TRUE(store_.ensure(a).ok());
  Status st = store_.ensure(b);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'cdr_cdr' of plugin 'voice'"), std::string::npos) << st.message();
}

// Identifiers that disagree are reported by holder (tenant code and account), not by
// internal numbers.
TEST_P(RecordStoreTest, DisagreementNamesTheHolders) {
  ASSERT_TRUE(store_
                  .submit(kind_,
                          {cdr("q2", "2026-01-10T00:00:00Z", "09011110000", 5, "440100000000002")},
                          "s")
                  .ok());
  auto q = store_.quarantine(false).value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("acme/u2"), std::string::npos) << q[0].reason;
  EXPECT_NE(q[0].reason.find("acme/u1"), std::string::npos) << q[0].reason;
  EXPECT_EQ(q[0].reason.find("tenant 1"), std::string::npos) << q[0].reason;
}

// A backdated move re-attributes the records it covers to the new holder; a record whose
// other identifier stays with the old holder goes to quarantine; nothing is lost.
TEST_P(RecordStoreTest, BackdatedMoveReattributesCoveredRecords) {
  ASSERT_TRUE(store_
                  .submit(kind_,
                          {cdr("m1", "2026-01-10T00:00:00Z", "09022220000", 5),
                           cdr("m2", "2026-01-20T00:00:00Z", "09022220000", 6),
                           cdr("m3", "2026-02-05T00:00:00Z", "09022220000", 7),
                           cdr("m4", "2026-01-21T00:00:00Z", "09022220000", 8, "440100000000002")},
                          "s")
                  .ok());
  tenancy::LineAssignment to{"bolt", "u2", "", "09022220000", "", "", at("2026-01-15"), kForever};
  auto moved = dir_.move(tenancy::IdKind::kMsisdn, "09022220000", to);
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ(read_all(tenant("acme")), (std::vector<std::string>{"m1"}));
  EXPECT_EQ(read_all(consumer("bolt", "u2")), (std::vector<std::string>{"m2", "m3"}));
  auto q = store_.quarantine(false).value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].payload.find("m4"), std::string::npos);
  EXPECT_NE(q[0].reason.find("identifiers disagree"), std::string::npos) << q[0].reason;
}

// A backdated end quarantines the records after it; re-ingesting them counts them as
// quarantined (not duplicates, not twice); once the number is given to its real holder,
// release and re-ingest both make them visible and close their quarantine items.
TEST_P(RecordStoreTest, BackdatedEndNeverLosesRecords) {
  std::vector<Row> batch = {cdr("e1", "2026-01-10T00:00:00Z", "09022220000", 5),
                            cdr("e2", "2026-01-20T00:00:00Z", "09022220000", 6),
                            cdr("e3", "2026-01-22T00:00:00Z", "09022220000", 7, "440100000000002")};
  ASSERT_TRUE(store_.submit(kind_, batch, "s").ok());
  ASSERT_TRUE(dir_.end(tenancy::IdKind::kMsisdn, "09022220000", at("2026-01-15")).ok());
  ASSERT_TRUE(dir_.end(tenancy::IdKind::kImsi, "440100000000002", at("2026-01-15")).ok());
  EXPECT_EQ(read_all(tenant("acme")), (std::vector<std::string>{"e1"}));
  ASSERT_EQ(store_.quarantine(false)->size(), 2u);

  auto again = store_.submit(kind_, batch, "s-again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->duplicates, 1);  // e1, visible to acme
  EXPECT_EQ(again->quarantined, 2);
  EXPECT_EQ(store_.quarantine(false)->size(), 2u);

  assign("bolt", "u2", "09022220000", "2026-01-15", nullptr, "440100000000002");
  auto items = store_.quarantine(false).value();
  auto released = store_.release(items[0].id);
  ASSERT_TRUE(released.ok()) << released.status().message();
  EXPECT_EQ(released->stored, 1);
  auto fixed = store_.submit(kind_, batch, "s-fixed");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->stored, 1);
  EXPECT_EQ(fixed->quarantined, 0);
  EXPECT_EQ(read_all(tenant("bolt")), (std::vector<std::string>{"e2", "e3"}));
  EXPECT_TRUE(store_.quarantine(false)->empty()) << "the re-ingested record's item is resolved";
  EXPECT_FALSE(store_.release(items[1].id).ok()) << "already resolved by the re-ingest";
}

// A quarantined record whose cause was fixed and which is then re-ingested is stored once
// and no longer pending.
TEST_P(RecordStoreTest, StoringAQuarantinedRecordResolvesItsItem) {
  ASSERT_TRUE(
      store_.submit(kind_, {cdr("r1", "2026-03-01T00:00:00Z", "09033330000", 9)}, "s").ok());
  assign("acme", "u2", "09033330000", "2026-02-01", nullptr, "440100000000003");
  auto again = store_.submit(kind_, {cdr("r1", "2026-03-01T00:00:00Z", "09033330000", 9)}, "s2");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stored, 1);
  EXPECT_TRUE(store_.quarantine(false)->empty());
  auto all = store_.quarantine(true).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].released_at, 0);
}

// A consumer's reads name one holder and go through an index on (tenant, holder, time), so
// they do not scan every record of the tenant; a table made before that index gets it.
TEST_P(RecordStoreTest, ATableGetsTheHoldersIndexEvenWhenMadeBeforeIt) {
  auto lease = test_db_.db()->acquire();
  ASSERT_TRUE(lease.ok());
  storage::Connection& c = **lease;
  const std::string table = kind_.table, index = kind_.table + "_holder";
  const bool sqlite = c.dialect() == storage::Dialect::kSqlite;
  auto indexed = [&] {
    auto rows = c.query(sqlite ? "SELECT COUNT(*) FROM sqlite_master WHERE name = ?"
                               : "SELECT COUNT(*) FROM information_schema.statistics WHERE "
                                 "table_schema = DATABASE() AND table_name = ? AND index_name = ?",
                        sqlite ? storage::Params{index} : storage::Params{table, index});
    return rows.ok() && storage::as_int(rows.value()[0][0]) > 0;
  };
  EXPECT_TRUE(indexed()) << "a new table has it";
  ASSERT_TRUE(
      c.execute(sqlite ? "DROP INDEX " + index : "DROP INDEX " + index + " ON " + table).ok());
  ASSERT_FALSE(indexed());
  ASSERT_TRUE(store_.ensure(kind_).ok());
  EXPECT_TRUE(indexed()) << "an older table gets it at the next start";
  ASSERT_TRUE(store_.ensure(kind_).ok()) << "and the start after that finds it";
  if (sqlite) {
    auto plan = c.query("EXPLAIN QUERY PLAN SELECT r.id FROM " + table +
                            " r WHERE r.tenant_id = ? AND r.event_time >= ? AND r.event_time < ? "
                            "AND r.subscriber_id = ?",
                        {int64_t{1}, int64_t{0}, int64_t{1}, int64_t{1}});
    ASSERT_TRUE(plan.ok());
    std::string detail;
    for (const auto& row : plan.value()) detail += storage::as_text(row.back()) + "\n";
    EXPECT_NE(detail.find(index), std::string::npos) << detail;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordStoreTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::records
