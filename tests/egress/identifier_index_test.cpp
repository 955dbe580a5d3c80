// The identifier index follows the directory, and a slower load never replaces a newer one.
#include "core/egress/identifier_index.h"

#include <gtest/gtest.h>

#include "core/common/time.h"
#include "core/tenancy/directory.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::egress {
namespace {

class IdentifierIndexTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.add_tenant({0, "acme", "Acme", "UTC", exports_.path(), {}}).ok());
    ASSERT_TRUE(dir_.add_plan({0, "acme", "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
    ASSERT_TRUE(
        dir_.add_subscriber({0, "acme", "acme-holder", "svc", "basic", "h1@acme.example"}).ok());
  }
  void assign(const char* msisdn) {
    tenancy::LineAssignment l{"acme", "acme-holder", "", msisdn, "", "", 0, kForever};
    ASSERT_TRUE(dir_.assign(l).ok());
  }

  testing::TestDatabase test_db_{GetParam()};
  testing::TempDir exports_;
  tenancy::Directory dir_{test_db_.db(), tenancy::NumberingPlan{}};
  IdentifierIndex index_{test_db_.db()};
};

// refresh() picks up a change of the directory.
TEST_P(IdentifierIndexTest, RefreshFollowsTheDirectory) {
  ASSERT_TRUE(index_.refresh().ok());
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000001"), 0u);
  assign("08020000001");
  ASSERT_TRUE(index_.refresh().ok());
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000001"), 1u);
  EXPECT_EQ(index_.snapshot()->owners.count("h1@acme.example"), 1u);
}

// An output is checked against a read of the directory that began after the output began:
// a change made before the output is always seen (a read begun earlier is not reused), and
// outputs begun before the last read share it without reading again.
TEST_P(IdentifierIndexTest, AnOutputSeesEveryChangeMadeBeforeItBegan) {
  using Clock = IdentifierIndex::Clock;
  ASSERT_TRUE(index_.refresh(Clock::now()).ok());
  assign("08020000001");
  const auto output_began = Clock::now();
  ASSERT_TRUE(index_.refresh(output_began).ok());
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000001"), 1u);

  assign("08020000002");  // after the output began: the read it already has is enough
  ASSERT_TRUE(index_.refresh(output_began).ok());
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000002"), 0u);
  ASSERT_TRUE(index_.refresh(Clock::now()).ok());
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000002"), 1u);
}

// Two loads racing: the one that read the older directory finishes last and is dropped.
TEST_P(IdentifierIndexTest, OlderLoadNeverReplacesANewerOne) {
  auto older = IdentifierIndex::load(*test_db_.db());
  ASSERT_TRUE(older.ok());
  assign("08020000001");
  auto newer = IdentifierIndex::load(*test_db_.db());
  ASSERT_TRUE(newer.ok());
  ASSERT_GT(newer.value()->version, older.value()->version);

  EXPECT_TRUE(index_.install(newer.value()));
  EXPECT_FALSE(index_.install(older.value()));
  EXPECT_EQ(index_.snapshot()->version, newer.value()->version);
  EXPECT_EQ(index_.snapshot()->owners.count("+818020000001"), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentifierIndexTest,
                         ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::egress
