// Credentials never reach a plugin: request_header refuses credential headers, and a
// plugin cannot sit a route inside another plugin's prefix (where the other plugin's
// clients send their keys) unless the operator maps it.
#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

const std::map<std::string, std::string> kCredentials = {
    {"Authorization", "Bearer k1.secret-token-value"},
    {"Cookie", "session=secret-cookie-value"},
    {"Proxy-Authorization", "Basic c2VjcmV0"},
    {"Accept", "text/plain"}};

const char* kRefusedCredentials =
    "authorization=refused(3);cookie=refused(3);proxy=refused(3);accept=text/plain";

std::string state_of(InProcessHost& host, const std::string& plugin) {
  for (const auto& s : host.plugins().statuses()) {
    if (s.name == plugin) return s.state + (s.reason.empty() ? "" : ": " + s.reason);
  }
  return "absent";
}

// A plugin asking for Authorization, Cookie or Proxy-Authorization is refused, whether
// the request carries them or not; other headers it reads as before.
TEST(Credentials, NeverReachAPlugin) {
  InProcessHost host(fixture_settings({"egress_probe"}));
  auto with = http_get(host.port(), "/api/probe/headers", kCredentials);
  EXPECT_EQ(with.status, 200);
  EXPECT_EQ(with.body, kRefusedCredentials);
  auto without = http_get(host.port(), "/api/probe/headers", {{"Accept", "text/plain"}});
  EXPECT_EQ(without.body, kRefusedCredentials);
}

// A route inside another plugin's prefix fails its plugin's start, naming both routes; the
// other plugin keeps its requests.
TEST(RouteNesting, RouteInsideAnotherPluginsPrefixIsRefused) {
  InProcessHost host(fixture_settings({"fixture", "egress_probe"},
                                      {"plugin.egress_probe.nest_under=/api/fixture/scoped"}));
  std::string state = state_of(host, "egress_probe");
  EXPECT_EQ(state.substr(0, 6), "failed") << state;
  EXPECT_NE(state.find("GET /api/fixture/scoped/peek clashes with plugin 'fixture' route * "
                       "/api/fixture/scoped"),
            std::string::npos)
      << state;
  EXPECT_EQ(state_of(host, "fixture"), "running");
  EXPECT_EQ(http_get(host.port(), "/api/fixture/scoped/peek", kCredentials).status, 401);
}

// The operator maps the nested route explicitly: the plugin runs and serves it, and still
// sees no credentials.
TEST(RouteNesting, OperatorMapsANestedRoute) {
  InProcessHost host(
      fixture_settings({"fixture", "egress_probe"},
                       {"plugin.egress_probe.nest_under=/api/fixture/scoped",
                        "plugins.nested_routes=egress_probe:/api/fixture/scoped/peek"}));
  EXPECT_EQ(state_of(host, "egress_probe"), "running");
  auto peek = http_get(host.port(), "/api/fixture/scoped/peek", kCredentials);
  EXPECT_EQ(peek.status, 200);
  EXPECT_EQ(peek.body, kRefusedCredentials);
}

}  // namespace
}  // namespace mvne::testing
