#include "core/plugin/route_table.h"

#include <gtest/gtest.h>

#include <map>

namespace mvne::plugin {
namespace {

struct Spec {
  std::string plugin, method, prefix;
};

// A table of routes, each owned by a (never started) plugin of the given name.
RouteTable table_of(const std::vector<Spec>& specs) {
  std::map<std::string, std::shared_ptr<PluginInstance>> plugins;
  std::vector<Route> out;
  for (const auto& s : specs) {
    auto& p = plugins[s.plugin];
    if (!p)
      p = std::make_shared<PluginInstance>(s.plugin, nullptr, config::Section(), nullptr, nullptr,
                                           "");
    out.push_back({{s.method, s.prefix}, p});
  }
  return RouteTable(std::move(out));
}

// The longest prefix wins, and a prefix only matches at a path-segment boundary.
TEST(RouteTable, LongestPrefixAtSegmentBoundary) {
  RouteTable t =
      table_of({{"voice", "GET", "/api/v1/voice"}, {"voice", "GET", "/api/v1/voice/summary"}});
  ASSERT_NE(t.match("GET", "/api/v1/voice/summary"), nullptr);
  EXPECT_EQ(t.match("GET", "/api/v1/voice/summary")->registration.prefix, "/api/v1/voice/summary");
  EXPECT_EQ(t.match("GET", "/api/v1/voice/cdrs")->registration.prefix, "/api/v1/voice");
  EXPECT_EQ(t.match("GET", "/api/v1/voicemail"), nullptr);
  EXPECT_EQ(t.match("POST", "/api/v1/voice"), nullptr);
}

// The same prefix with overlapping methods is a conflict.
TEST(RouteTable, DetectsConflicts) {
  RouteTable t = table_of({{"a", "GET", "/api/a"}, {"b", "*", "/api/b"}});
  EXPECT_NE(t.conflict({"GET", "/api/a"}, "other"), nullptr);
  EXPECT_EQ(t.conflict({"POST", "/api/a"}, "other"), nullptr);
  EXPECT_NE(t.conflict({"POST", "/api/b"}, "other"), nullptr);
  EXPECT_EQ(t.conflict({"GET", "/api/c"}, "other"), nullptr);
}

// A route inside another plugin's prefix, or around it, is a conflict too (it would take
// requests meant for the other plugin); a plugin nests its own routes freely.
TEST(RouteTable, NestedPrefixesOfTwoPluginsConflict) {
  RouteTable t = table_of({{"voice", "GET", "/api/v1/voice"}, {"voice", "GET", "/api/v1/voice/x"}});
  const Route* inside = t.conflict({"GET", "/api/v1/voice/summary/extra"}, "spy");
  ASSERT_NE(inside, nullptr);
  EXPECT_EQ(inside->plugin->name(), "voice");
  EXPECT_NE(t.conflict({"*", "/api/v1"}, "spy"), nullptr);              // around it
  EXPECT_EQ(t.conflict({"GET", "/api/v1/voicemail"}, "spy"), nullptr);  // not a segment
  EXPECT_EQ(t.conflict({"GET", "/api/v1/voice/more"}, "voice"), nullptr);
  EXPECT_EQ(t.conflict({"POST", "/api/v1/voice/upload"}, "spy"), nullptr);  // other method
}

// The operator's nested_routes lets a named plugin nest at a prefix and below, in either
// start order; the same prefix still conflicts.
TEST(RouteTable, OperatorMapsANestedRoute) {
  std::vector<config::NestedRoute> nested = {{"extra", "/api/v1/voice/extra"}};
  RouteTable outer = table_of({{"voice", "GET", "/api/v1/voice"}});
  EXPECT_EQ(outer.conflict({"GET", "/api/v1/voice/extra/a"}, "extra", nested), nullptr);
  EXPECT_NE(outer.conflict({"GET", "/api/v1/voice/other"}, "extra", nested), nullptr);
  EXPECT_NE(outer.conflict({"GET", "/api/v1/voice/extra"}, "spy", nested), nullptr);
  RouteTable inner = table_of({{"extra", "GET", "/api/v1/voice/extra"}});
  EXPECT_EQ(inner.conflict({"GET", "/api/v1/voice"}, "voice", nested), nullptr);
  RouteTable same = table_of({{"voice", "GET", "/api/v1/voice/extra"}});
  EXPECT_NE(same.conflict({"GET", "/api/v1/voice/extra"}, "extra", nested), nullptr);
}

}  // namespace
}  // namespace mvne::plugin
