#include "core/tenancy/directory.h"

#include <gtest/gtest.h>

#include "core/common/time.h"
#include "tests/support/test_database.h"

namespace mvne::tenancy {
namespace {

int64_t at(const char* iso) { return parse_time_us(iso).value(); }

class DirectoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(
          dir_.add_tenant({0, t, std::string(t) + " Mobile", "Asia/Tokyo", "/tmp/x", {}}).ok());
      ASSERT_TRUE(dir_.add_plan({0, t, "basic", "Basic", 3'000'000'000, 22, 1, 3.3, 0, ""}).ok());
      for (const char* a : {"u1", "u2"}) {
        ASSERT_TRUE(
            dir_.add_subscriber({0, t, a, "svc", "basic", std::string(a) + "@" + t + ".example"})
                .ok());
      }
    }
  }

  LineAssignment line(const char* tenant, const char* account, const char* msisdn, const char* from,
                      const char* to = nullptr) {
    LineAssignment l;
    l.tenant_code = tenant;
    l.account_id = account;
    l.msisdn = msisdn;
    l.valid_from = at(from);
    l.valid_to = to ? at(to) : kForever;
    return l;
  }

  testing::TestDatabase test_db_{GetParam()};
  Directory dir_{test_db_.db(), NumberingPlan{}};
};

// A line is stored once under its normalised spelling, whatever the input spelling.
TEST_P(DirectoryTest, AssignNormalisesIdentifiers) {
  auto l = line("acme", "u1", "090-1111-2222", "2026-01-01");
  l.imsi = "440 10 1234567890";
  ASSERT_TRUE(dir_.assign(l).ok());
  auto h = dir_.history(IdKind::kMsisdn, "+81 90 1111 2222");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h.value()[0].identifier, "+819011112222");
  EXPECT_EQ(h.value()[0].tenant_code, "acme");
  EXPECT_EQ(dir_.history(IdKind::kImsi, "440101234567890")->size(), 1u);
}

// Overlapping assignments of one identifier are refused, naming both.
TEST_P(DirectoryTest, OverlapIsRefusedNamingBoth) {
  ASSERT_TRUE(dir_.assign(line("acme", "u1", "09011112222", "2026-01-01", "2026-03-01")).ok());
  auto second = dir_.assign(line("bolt", "u2", "+819011112222", "2026-02-15"));
  ASSERT_FALSE(second.ok());
  const std::string& m = second.status().message();
  EXPECT_NE(m.find("msisdn +819011112222 [2026-02-15T00:00:00Z, open)"), std::string::npos) << m;
  EXPECT_NE(m.find("to tenant 'acme' account 'u1' [2026-01-01T00:00:00Z, 2026-03-01T00:00:00Z)"),
            std::string::npos)
      << m;
  // Adjacent periods are fine: [Jan, Mar) then [Mar, open).
  EXPECT_TRUE(dir_.assign(line("bolt", "u2", "09011112222", "2026-03-01")).ok());
}

// Moving a number closes the old assignment at the move time; history is kept.
TEST_P(DirectoryTest, MoveClosesOldAssignmentWithoutRewritingHistory) {
  ASSERT_TRUE(dir_.assign(line("acme", "u1", "09011112222", "2026-01-01")).ok());
  ASSERT_TRUE(
      dir_.move(IdKind::kMsisdn, "09011112222", line("bolt", "u2", "09011112222", "2026-06-01"))
          .ok());
  auto h = dir_.history(IdKind::kMsisdn, "09011112222").value();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].tenant_code, "acme");
  EXPECT_EQ(h[0].valid_from, at("2026-01-01"));
  EXPECT_EQ(h[0].valid_to, at("2026-06-01"));
  EXPECT_EQ(h[1].tenant_code, "bolt");
  EXPECT_EQ(h[1].valid_to, kForever);
  // Moving at the very start of an assignment would erase it, and is refused.
  EXPECT_FALSE(
      dir_.move(IdKind::kMsisdn, "09011112222", line("acme", "u2", "09011112222", "2026-06-01"))
          .ok());
}

// A bulk import with any problem applies nothing and lists every problem with its row.
TEST_P(DirectoryTest, ImportIsAllOrNothingAndListsEveryProblem) {
  ASSERT_TRUE(dir_.assign(line("acme", "u1", "09000000001", "2026-01-01")).ok());
  std::vector<LineAssignment> rows = {
      line("acme", "u2", "09000000002", "2026-01-01"),      // fine
      line("bolt", "u1", "09000000001", "2026-02-01"),      // overlaps the database
      line("bolt", "nobody", "09000000003", "2026-01-01"),  // unknown account
      line("acme", "u2", "0900000000x", "2026-01-01"),      // bad number
      line("bolt", "u2", "09000000002", "2026-01-10"),      // overlaps row 1
  };
  auto r = dir_.import_assignments(rows);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("nothing applied (4 problem(s))"), std::string::npos) << m;
  EXPECT_NE(m.find("row 2: msisdn +819000000001"), std::string::npos) << m;
  EXPECT_NE(m.find("row 3: unknown account 'nobody' in tenant 'bolt'"), std::string::npos) << m;
  EXPECT_NE(m.find("row 4: MSISDN '0900000000x': unexpected character 'x'"), std::string::npos)
      << m;
  EXPECT_NE(m.find("row 5: msisdn +819000000002 [2026-01-10T00:00:00Z, open) overlaps row 1"),
            std::string::npos)
      << m;
  EXPECT_TRUE(dir_.history(IdKind::kMsisdn, "09000000002")->empty()) << "row 1 must not be applied";
  rows.erase(rows.begin() + 1, rows.end());
  EXPECT_EQ(dir_.import_assignments(rows).value(), 1);
}

// Tenants, plans and subscribers are validated; duplicates are refused clearly.
TEST_P(DirectoryTest, DomainValidation) {
  EXPECT_EQ(dir_.add_tenant({0, "acme", "Again", "UTC", "/tmp", {}}).status().message(),
            "tenant 'acme' already exists");
  EXPECT_FALSE(dir_.add_tenant({0, "bad code!", "", "UTC", "", {}}).ok());
  EXPECT_EQ(dir_.add_tenant({0, "mars", "Mars", "Mars/Olympus", "/tmp", {}}).status().message(),
            "tenant: time zone 'Mars/Olympus' is not an IANA zone (e.g. Asia/Tokyo)");
  EXPECT_FALSE(dir_.add_tenant({0, "mars", "Mars", "../../etc/passwd", "/tmp", {}}).ok());
  EXPECT_EQ(
      dir_.add_subscriber({0, "acme", "u9", "svc", "gold", "u9@x.example"}).status().message(),
      "unknown plan 'gold' in tenant 'acme'");
  EXPECT_EQ(
      dir_.add_subscriber({0, "zzz", "u9", "svc", "basic", "u9@x.example"}).status().message(),
      "unknown tenant 'zzz'");
  EXPECT_EQ(dir_.subscribers("acme")->size(), 2u);
  EXPECT_EQ(dir_.tenants()->size(), 2u);
}

// A merge of two holders' accounts is refused with every reason; one holder's two accounts
// merge, lines included.
TEST_P(DirectoryTest, MergeRefusesTwoHoldersAndMergesOne) {
  auto refused = dir_.merge_accounts("acme", "u1", "u2");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("e-mail addresses differ (u1@acme.example / u2@acme.example): "
                                   "these are two holders' accounts"),
            std::string::npos)
      << refused.message();
  EXPECT_FALSE(dir_.merge_accounts("acme", "u1", "nobody").ok());
  EXPECT_FALSE(dir_.merge_accounts("acme", "u1", "u1").ok());
  ASSERT_TRUE(dir_.add_subscriber({0, "acme", "u1-dup", "svc", "basic", "u1@acme.example"}).ok());
  ASSERT_TRUE(dir_.assign(line("acme", "u1-dup", "09077778888", "2026-01-01")).ok());
  ASSERT_TRUE(dir_.merge_accounts("acme", "u1-dup", "u1").ok());
  EXPECT_EQ(dir_.history(IdKind::kMsisdn, "09077778888")->at(0).account_id, "u1");
  EXPECT_FALSE(dir_.merge_accounts("acme", "u1-dup", "u1").ok()) << "already merged";
}

// Ending an assignment closes it without a new holder; records after it have no holder.
TEST_P(DirectoryTest, EndClosesAnAssignment) {
  ASSERT_TRUE(dir_.assign(line("acme", "u1", "09011112222", "2026-01-01")).ok());
  ASSERT_TRUE(dir_.end(IdKind::kMsisdn, "09011112222", at("2026-05-01")).ok());
  auto h = dir_.history(IdKind::kMsisdn, "09011112222").value();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].valid_to, at("2026-05-01"));
  EXPECT_FALSE(dir_.end(IdKind::kMsisdn, "09011112222", at("2026-06-01")).ok()) << "nothing open";
  ASSERT_TRUE(dir_.set_tenant_plugins("acme", {"voice_cdr", "sms"}).ok());
  EXPECT_EQ(dir_.tenant("acme")->plugins, (std::vector<std::string>{"voice_cdr", "sms"}));
  EXPECT_FALSE(dir_.set_tenant_plugins("nobody", {}).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::tenancy
