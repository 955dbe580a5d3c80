#include "core/plugin/route_table.h"

#include <gtest/gtest.h>

namespace mvne::plugin {
namespace {

RouteTable table_of(std::vector<std::pair<std::string, std::string>> routes) {
  std::vector<Route> out;
  for (auto& [method, prefix] : routes) out.push_back({{method, prefix}, nullptr});
  return RouteTable(std::move(out));
}

// The longest prefix wins, and a prefix only matches at a path-segment boundary.
TEST(RouteTable, LongestPrefixAtSegmentBoundary) {
  RouteTable t = table_of({{"GET", "/api/v1/voice"}, {"GET", "/api/v1/voice/summary"}});
  ASSERT_NE(t.match("GET", "/api/v1/voice/summary"), nullptr);
  EXPECT_EQ(t.match("GET", "/api/v1/voice/summary")->registration.prefix, "/api/v1/voice/summary");
  EXPECT_EQ(t.match("GET", "/api/v1/voice/cdrs")->registration.prefix, "/api/v1/voice");
  EXPECT_EQ(t.match("GET", "/api/v1/voicemail"), nullptr);
  EXPECT_EQ(t.match("POST", "/api/v1/voice"), nullptr);
}

// The same prefix with overlapping methods is a conflict.
TEST(RouteTable, DetectsConflicts) {
  RouteTable t = table_of({{"GET", "/api/a"}, {"*", "/api/b"}});
  EXPECT_NE(t.conflict({"GET", "/api/a"}), nullptr);
  EXPECT_EQ(t.conflict({"POST", "/api/a"}), nullptr);
  EXPECT_NE(t.conflict({"POST", "/api/b"}), nullptr);
  EXPECT_EQ(t.conflict({"GET", "/api/c"}), nullptr);
}

}  // namespace
}  // namespace mvne::plugin
