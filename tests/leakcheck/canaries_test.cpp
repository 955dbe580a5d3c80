// The leak check's scanner finds each canary in every spelling outputs use, names its owner,
// and tells a recipient's own canaries from another's; a moved number belongs to both holders.
#include "tools/leakcheck/canaries.h"

#include <gtest/gtest.h>

namespace mvne::leakcheck {
namespace {

std::vector<std::string> owners(std::string_view text) {
  std::vector<std::string> out;
  for (const Found& f : scan(text))
    out.push_back(std::to_string(f.owner.tenant) + "/" + std::to_string(f.owner.subscriber));
  return out;
}

TEST(Canaries, EverySpellingIsFoundWithItsOwner) {
  EXPECT_EQ(owners(msisdn(12, 345)), std::vector<std::string>{"12/345"});
  EXPECT_EQ(owners("tel +819070120345;"), std::vector<std::string>{"12/345"});
  EXPECT_EQ(owners("+81 90 7012 0345"), std::vector<std::string>{"12/345"});
  EXPECT_EQ(owners("090-7012-0345,"), std::vector<std::string>{"12/345"});
  EXPECT_EQ(owners(imsi(7, 9)), std::vector<std::string>{"7/9"});
  EXPECT_EQ(owners("x" + account(3, 4) + "y"), std::vector<std::string>{"3/4"});
  EXPECT_EQ(owners(email(3, 4)), std::vector<std::string>{"3/4"});
  EXPECT_EQ(owners("LKC-5-6-99"), std::vector<std::string>{"5/6"});
  EXPECT_EQ(owners(record_id('s', 8, 0, 1) + "," + tenant_code(9)),
            (std::vector<std::string>{"8/0", "9/-1"}));
  // Masked numbers, other digits and near misses are not canaries.
  EXPECT_TRUE(owners("090****0345 09070120345678 440107012034501 lkx-1-2 lka-1").empty());
}

TEST(Canaries, ARecipientMaySeeOnlyItsOwn) {
  Ownership o;
  const std::string text = account(1, 2) + " " + msisdn(1, 3) + " " + tenant_code(1);
  EXPECT_TRUE(o.foreign({1, -1}, text).empty()) << "the tenant sees all its subscribers";
  auto for_consumer = o.foreign({1, 2}, text);
  ASSERT_EQ(for_consumer.size(), 1u) << "a consumer sees not its neighbour's number";
  EXPECT_EQ(for_consumer[0].text, msisdn(1, 3));
  long own = 0;
  EXPECT_EQ(o.foreign({2, -1}, text, &own).size(), 3u) << "nothing of tenant 1 for tenant 2";
  EXPECT_EQ(own, 0);
}

TEST(Canaries, AMovedNumberBelongsToBothHoldersButItsRecordsToOne) {
  Ownership o;
  const std::string number = msisdn(1, 2);
  const std::string old_call = record_id('c', 1, 2, 10), new_call = record_id('c', 4, 5, 11);
  EXPECT_EQ(o.foreign({4, 5}, number).size(), 1u) << "not before the move";
  o.add_holder({1, 2}, {4, 5});
  long own = 0;
  EXPECT_TRUE(o.foreign({4, 5}, number + " " + new_call, &own).empty());
  EXPECT_EQ(own, 2);
  EXPECT_TRUE(o.foreign({4, -1}, number).empty()) << "the new holder's tenant";
  EXPECT_TRUE(o.foreign({1, 2}, number + " " + old_call).empty());
  EXPECT_EQ(o.foreign({4, 5}, old_call).size(), 1u) << "the previous holder's call";
  EXPECT_EQ(o.foreign({1, 2}, new_call).size(), 1u) << "the new holder's call";
  EXPECT_EQ(o.foreign({4, 6}, number).size(), 1u) << "not the new holder's neighbour";
}

}  // namespace
}  // namespace mvne::leakcheck
