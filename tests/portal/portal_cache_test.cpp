// Behind a real shared cache (nginx as a careless operator sets it up: every 200 kept ten
// minutes, the default key without cookie or Authorization), on both backends: taro and
// kenji, each as the app (bearer) and as a browser (cookie), take turns on the same URLs of
// the consumer API and the pages, and none ever receives the other's answer. The host's
// headers are why: the answers are private and no-store, the pages no-cache. The control
// shows the same nginx does keep and serve what the host leaves unmarked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/portal/portal_world.h"
#include "tests/support/http_client.h"
#include "tests/support/nginx_proxy.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

class PortalCacheTest : public PortalWorld {
 protected:
  struct Caller {
    const PortalConsumer* who;
    std::string kind;
    std::map<std::string, std::string> headers;
  };

  // Each consumer logged in as the app and as a browser.
  std::vector<Caller> callers() {
    std::vector<Caller> out;
    for (const PortalConsumer& c : consumers()) {
      json login = {{"tenant", c.tenant}, {"account", c.account}, {"password", kPortalPassword}};
      auto app = http_post(host_.port(), "/portal/api/v1/login", login.dump());
      EXPECT_EQ(app.status, 200) << app.body;
      out.push_back({&c, "app", {{"Authorization", "Bearer " + json::parse(app.body).value("token", "")}}});
      auto browser = http_post(host_.port(), "/portal/login", login.dump());
      EXPECT_EQ(browser.status, 200) << browser.body;
      std::string cookie = browser.headers["set-cookie"];
      out.push_back({&c, "browser", {{"Cookie", cookie.substr(0, cookie.find(';'))}}});
    }
    return out;
  }
};

TEST_P(PortalCacheTest, ConsumersTakingTurnsBehindASharedCacheNeverGetAnothersAnswer) {
  NginxProxy nginx({host_.port()}, NginxProxy::kCarelessCache);
  // The control: what the host does not mark, this nginx keeps and serves again.
  http_get(nginx.port(), "/healthz?control");
  EXPECT_EQ(http_get(nginx.port(), "/healthz?control").headers["x-cache-status"], "HIT");

  const std::vector<std::string> api = {
      "/portal/api/v1/me",        "/portal/api/v1/usage?month=2026-11",
      "/portal/api/v1/calls",     "/portal/api/v1/data/sessions?month=2026-11",
      "/portal/api/v1/bills",     "/portal/api/v1/data/daily?month=2026-11",
      "/portal/api/v1/speed",     "/portal/api/v1/bills?month=2026-11&format=csv",
      "/portal/api/v1/bills/current"};
  auto turns = callers();
  int answers = 0;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& target : api) {
      for (size_t i = 0; i < turns.size(); ++i) {
        const Caller& c = turns[(i + round) % turns.size()];  // each round, another goes first
        auto r = http_get(nginx.port(), target, c.headers);
        std::string who = c.who->name + " (" + c.kind + ") " + target;
        ASSERT_EQ(r.status, 200) << who << ": " << r.body;
        for (const std::string& canary : c.who->foreign)
          EXPECT_EQ(r.body.find(canary), std::string::npos) << who << " got " << canary << ":\n" << r.body;
        EXPECT_EQ(r.headers["cache-control"], "private, no-store") << who;
        EXPECT_NE(r.headers["x-cache-status"], "HIT") << who;
        ++answers;
      }
    }
    for (const Caller& c : turns) {
      auto me = http_get(nginx.port(), "/portal/api/v1/me", c.headers);
      EXPECT_EQ(json::parse(me.body).value("account_id", ""), c.who->account) << c.kind;
    }
  }
  EXPECT_EQ(answers, 3 * static_cast<int>(api.size() * turns.size()));

  // The pages: the same URL in two languages, one after the other; neither is kept.
  for (int round = 0; round < 2; ++round) {
    for (const char* lang : {"ja", "en"}) {
      auto page = http_get(nginx.port(), "/portal/my/acme/bills",
                           {{"Accept-Language", lang}, {"Cookie", turns[1].headers.at("Cookie")}});
      ASSERT_EQ(page.status, 200);
      EXPECT_NE(page.body.find(std::string("<html lang=\"") + lang + "\">"), std::string::npos) << lang;
      EXPECT_EQ(page.headers["cache-control"], "no-cache");
      EXPECT_NE(page.headers["x-cache-status"], "HIT");
    }
  }
}

// What the host and the plugin answer for pages and assets, and the headers on them.
TEST_P(PortalCacheTest, PagesAndAssetsCarryTheirTypesAndTheBrowsersRules) {
  auto redirect = http_get(host_.port(), "/portal/my/acme");
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.headers["location"], "/portal/my/acme/");
  auto page = http_get(host_.port(), "/portal/my/acme/contract?lang=en");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["content-language"], "en");
  EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script (CSP)";
  EXPECT_EQ(page.body.find("style="), std::string::npos) << "no inline style (CSP)";
  EXPECT_EQ(http_get(host_.port(), "/portal/my/acme/admin").status, 404);
  EXPECT_EQ(http_get(host_.port(), "/portal/my/Acme/").status, 404);
  auto js = http_get(host_.port(), "/portal/my/-/portal.js");
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("'use strict'"), std::string::npos);
  auto brand = http_get(host_.port(), "/portal/my/-/brand/acme.css");
  EXPECT_EQ(brand.body, ":root { --brand: #8a1538; }\n");
  EXPECT_EQ(http_get(host_.port(), "/portal/my/-/logo/acme").status, 404) << "acme has no logo";
  EXPECT_NE(http_get(host_.port(), "/portal/my/-/../../api/v1/bills").status, 200);
  // A page passes the egress guard as an answer to nobody: one naming any consumer's
  // number (here through an operator's branding) is withheld.
  auto leaky = http_get(host_.port(), "/portal/my/leaky/");
  EXPECT_EQ(leaky.status, 500) << leaky.body;
  EXPECT_NE(leaky.body.find("egress_blocked"), std::string::npos) << leaky.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, PortalCacheTest, ::testing::ValuesIn(test_backends()));

}  // namespace
}  // namespace mvne::testing
