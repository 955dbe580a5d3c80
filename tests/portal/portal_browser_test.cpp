// The members' pages in headless Chromium (tests/browser/portal_test.mjs, playwright-core),
// on both backends, in the world of portal_world.h: taro (acme; Japanese, desktop) and kenji
// (bolt; English, phone-sized) log in side by side; every page must show each one's own data
// and none of the other's canaries, in both languages, with no serious accessibility
// violation; CSRF from another site changes nothing. Screenshots:
// build/test-artefacts/portal/<backend>/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/portal/portal_world.h"
#include "tests/support/host_process.h"
#include "tests/support/mail_submit.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

class PortalBrowserTest : public PortalWorld {};

TEST_P(PortalBrowserTest, TwoConsumersOfTwoMvnosEachSeeOnlyTheirOwnInChromium) {
  // What each page must show, in either language (figures as both languages write them).
  const std::map<std::string, json> expect = {
      {"taro",
       {{"overview", {"1,180"}},  // this month's plan fee so far
        {"history", {"2.2 MB"}},  // the connection before the move
        {"calls", {"0312340001"}},
        {"bills", {"1,180", "1,224"}},  // November: fee and a 2-minute call at 22/min
        {"contract", {"acme-taro", "SC-A2", "090****0001", "lite"}}}},
      {"kenji",
       {{"overview", {"2,970"}},
        {"history", {"3.5 MB"}},
        {"calls", {"0312340002"}},
        {"bills", {"2,970", "2,981"}},
        {"contract", {"bolt-kenji", "SC-B2", "090****0001", "big"}}}}};
  json consumers = json::array();
  for (const PortalConsumer& c : PortalWorld::consumers()) {
    consumers.push_back({{"name", c.name},
                         {"tenant", c.tenant},
                         {"account", c.account},
                         {"password", kPortalPassword},
                         {"brand", c.brand},
                         {"locale", c.name == "taro" ? "ja-JP" : "en-US"},
                         {"phone", c.name != "taro"},
                         {"expect", expect.at(c.name)},
                         {"foreign", c.foreign}});
  }
  json spec = {{"base", "http://127.0.0.1:" + std::to_string(host_.port())},
               {"other_origin", "http://localhost:" + std::to_string(free_port())},
               {"month", "2026-11"},
               {"artefacts", std::string(MVNE_BROWSER_DIR) + "/../test-artefacts/portal/" + GetParam()},
               {"consumers", consumers}};
  // The script runs beside the npm packages tools/bootstrap installed (tests/browser).
  ExitResult run = run_binary(
      "/usr/bin/node",
      {std::string(MVNE_BROWSER_DIR) + "/portal_test.mjs", dir_.write("spec.json", spec.dump(2))},
      600);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("PASSED"), std::string::npos) << run.out << run.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, PortalBrowserTest, ::testing::ValuesIn(test_backends()));

}  // namespace
}  // namespace mvne::testing
