// Consumers log in through the host: the app gets a bearer session, a browser the session
// cookie plus a CSRF token; consumer routes see one subscriber of one tenant, and a plugin
// answering one consumer with another's number is stopped by the egress guard.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/time.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

const std::string kPassword = "correct horse 1";
// egress_probe sends out u2's number, whoever asks.
const std::string kU2Number = "09011110002";

class ConsumerLoginTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir.add_tenant({0, t, t, "Asia/Tokyo", "/tmp", {"egress_probe"}}).ok());
      ASSERT_TRUE(dir.add_plan({0, t, "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
    }
    add("acme", "u1", "090-1111-0001");
    add("acme", "u2", "090-1111-0002");
    add("bolt", "u1", "080-3333-0001");
  }
  void add(const char* tenant, const char* account, const char* msisdn) {
    auto& dir = *host_.services().directory;
    ASSERT_TRUE(dir.add_subscriber({0, tenant, account, "svc-" + std::string(account), "basic",
                                    std::string(account) + "@" + tenant + ".example"})
                    .ok());
    ASSERT_TRUE(dir.assign({tenant, account, "", msisdn, "", "",
                            parse_time_us("2026-01-01").value(), kForever})
                    .ok());
    auto& consumers = *host_.services().consumers;
    ASSERT_TRUE(
        consumers.set_password(consumers.find(tenant, account).value(), kPassword, now_us()).ok());
  }
  HttpResult login(const std::string& tenant, const std::string& account,
                   const std::string& password, const std::string& path = "/portal/api/v1/login",
                   const std::map<std::string, std::string>& headers = {}) {
    json body = {{"tenant", tenant}, {"account", account}, {"password", password}};
    return http_post(host_.port(), path, body.dump(), headers);
  }
  std::string token_of(const std::string& tenant, const std::string& account) {
    auto r = login(tenant, account, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }
  static std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  // What is left of an error body once its request id is taken out.
  static std::string without_request_id(const std::string& body) {
    json j = json::parse(body);
    j["error"].erase("request_id");
    return j.dump();
  }

  TestDatabase db_{GetParam()};
  InProcessHost host_{
      fixture_settings({"egress_probe"},
                       {"plugin.egress_probe.number=" + kU2Number, "portal.hash_memory_kib=256",
                        "portal.hash_passes=1", "http.trusted_proxies=127.0.0.1"}),
      db_.db()};
};

// The app logs in, gets a bearer token and reaches consumer routes as itself, privately and
// audited as that consumer.
TEST_P(ConsumerLoginTest, AppSessionReachesConsumerRoutes) {
  std::string token = token_of("acme", "u2");
  ASSERT_EQ(token.rfind("mvnes_", 0), 0u);
  auto r = http_get(host_.port(), "/portal/api/v1/probe/say", bearer(token));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "number " + kU2Number);
  EXPECT_EQ(r.headers["cache-control"], "private, no-store");
  bool audited = false;
  for (const auto& e : host_.services().audit->entries(0, now_us() + 1000000).value()) {
    audited = audited || (e.action == "http_response" && e.principal == "consumer:acme/u2");
  }
  EXPECT_TRUE(audited);
  EXPECT_EQ(host_.metrics().logins("ok"), 1u);
}

// The same plugin answering u1 with u2's number is withheld and counted (seed case 6: an
// API server that mixed consumers up).
TEST_P(ConsumerLoginTest, AnotherConsumersNumberIsWithheld) {
  auto r = http_get(host_.port(), "/portal/api/v1/probe/say", bearer(token_of("acme", "u1")));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_NE(r.body.find("egress_blocked"), std::string::npos);
  EXPECT_EQ(r.body.find("1111"), std::string::npos);
  EXPECT_EQ(host_.metrics().plugin_errors("egress_probe", "egress_blocked"), 1u);
  auto other_tenant =
      http_get(host_.port(), "/portal/api/v1/probe/say", bearer(token_of("bolt", "u1")));
  EXPECT_EQ(other_tenant.status, 500) << "bolt's u1 is not acme's u2";
}

// No session, a tenant's API key, a forged token: 401, the plugin never answers.
TEST_P(ConsumerLoginTest, NoSessionNoConsumerRoute) {
  int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
  auto key = host_.services().keys->create("acme", "t", year).value();
  for (const auto& headers : {std::map<std::string, std::string>{}, bearer(key.token),
                              bearer("mvnes_" + std::string(64, '0'))}) {
    auto r = http_get(host_.port(), "/portal/api/v1/probe/say", headers);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.body.find("number"), std::string::npos);
  }
}

// A wrong password, an unknown account and an unknown tenant get the same answer; after the
// free failures the account must wait (429 with Retry-After), known or not.
TEST_P(ConsumerLoginTest, FailuresTellNothingAndAreThrottled) {
  auto wrong = login("acme", "u1", "not the password");
  auto unknown = login("acme", "nobody", kPassword);
  auto no_tenant = login("zzz", "u1", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(without_request_id(wrong.body), without_request_id(unknown.body));
  EXPECT_EQ(without_request_id(wrong.body), without_request_id(no_tenant.body));
  EXPECT_EQ(host_.metrics().logins("failed"), 3u);
  for (const std::string account : {"u1", "nobody"}) {
    while (login("acme", account, "bad").status == 401) {
    }
    auto waiting = login("acme", account, kPassword);
    EXPECT_EQ(waiting.status, 429) << account;
    EXPECT_FALSE(waiting.headers["retry-after"].empty()) << account;
  }
  EXPECT_EQ(login("acme", "u2", kPassword).status, 200) << "other accounts are not slowed";
  auto missing = http_post(host_.port(), "/portal/api/v1/login", R"({"tenant":"acme"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("'account'"), std::string::npos);
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/login", "not json").status, 400);
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/login").status, 405);
}

// A browser gets an HttpOnly, SameSite=Strict cookie (no Secure on plain HTTP) and a CSRF
// token; a change made with the cookie needs that token and must not come from another site.
TEST_P(ConsumerLoginTest, BrowserCookieChangesNeedTheCsrfToken) {
  auto r = login("acme", "u2", kPassword, "/portal/login");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = r.headers["set-cookie"];
  EXPECT_EQ(cookie.rfind("mvne_session=mvnes_", 0), 0u) << cookie;
  for (const char* attribute : {"; Path=/", "; HttpOnly", "; SameSite=Strict"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute;
  }
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(r.body.find("mvnes_"), std::string::npos) << "the token stays in the cookie";
  std::string csrf = json::parse(r.body)["csrf_token"];
  std::string jar = cookie.substr(0, cookie.find(';'));

  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/probe/say", {{"Cookie", jar}}).status, 200);
  const std::string change = "/portal/api/v1/probe/change";
  EXPECT_EQ(http_post(host_.port(), change, "{}", {{"Cookie", jar}}).status, 403);
  EXPECT_EQ(http_post(host_.port(), change, "{}", {{"Cookie", jar}, {"X-CSRF-Token", "0"}}).status,
            403);
  EXPECT_EQ(http_post(host_.port(), change, "{}",
                      {{"Cookie", jar}, {"X-CSRF-Token", csrf}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            403);
  auto ok = http_post(host_.port(), change, "{}",
                      {{"Cookie", jar}, {"X-CSRF-Token", csrf}, {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "changed");
  EXPECT_EQ(http_post(host_.port(), change, "{}", bearer(token_of("acme", "u2"))).status, 200)
      << "a bearer token is not sent by the browser on its own: no CSRF token needed";
  EXPECT_EQ(
      login("acme", "u2", kPassword, "/portal/login", {{"Sec-Fetch-Site", "cross-site"}}).status,
      403)
      << "login CSRF";
}

// Behind a trusted TLS proxy the cookie is __Host- prefixed and Secure, and only that cookie
// counts on a secure request.
TEST_P(ConsumerLoginTest, TlsBehindATrustedProxyGetsASecureHostCookie) {
  auto r = login("acme", "u2", kPassword, "/portal/login", {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = r.headers["set-cookie"];
  EXPECT_EQ(cookie.rfind("__Host-mvne_session=mvnes_", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos);
  std::string token = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  auto say = [&](const std::string& jar) {
    return http_get(host_.port(), "/portal/api/v1/probe/say",
                    {{"Cookie", jar}, {"X-Forwarded-Proto", "https"}})
        .status;
  };
  EXPECT_EQ(say("__Host-mvne_session=" + token), 200);
  EXPECT_EQ(say("mvne_session=" + token), 401);
}

// Logout ends this session; logout everywhere ends them all.
TEST_P(ConsumerLoginTest, LogoutAndLogoutEverywhere) {
  std::string a = token_of("acme", "u2"), b = token_of("acme", "u2"), c = token_of("acme", "u2");
  auto say = [&](const std::string& t) {
    return http_get(host_.port(), "/portal/api/v1/probe/say", bearer(t)).status;
  };
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/logout", "{}", bearer(a)).status, 200);
  EXPECT_EQ(say(a), 401);
  EXPECT_EQ(say(b), 200);
  auto all = http_post(host_.port(), "/portal/api/v1/logout-everywhere", "{}", bearer(b));
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(json::parse(all.body)["sessions_ended"], 2);
  EXPECT_EQ(say(b), 401);
  EXPECT_EQ(say(c), 401);
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/logout", "{}", bearer(b)).status, 401);
}

// `me` shows this subscriber's own contract and lines, numbers masked.
TEST_P(ConsumerLoginTest, MeShowsOnlyTheConsumersOwnLines) {
  auto r = http_get(host_.port(), "/portal/api/v1/me", bearer(token_of("acme", "u1")));
  ASSERT_EQ(r.status, 200) << r.body;
  json me = json::parse(r.body);
  EXPECT_EQ(me["account_id"], "u1");
  EXPECT_EQ(me["tenant"], "acme");
  EXPECT_EQ(me["service_code"], "svc-u1");
  ASSERT_EQ(me["lines"].size(), 1u);
  EXPECT_EQ(me["lines"][0]["number"], "090****0001");
  EXPECT_EQ(me["lines"][0]["from"], "2026-01-01T09:00:00+09:00") << "UTC midnight, in Tokyo";
  EXPECT_EQ(r.body.find("0002"), std::string::npos);
  EXPECT_EQ(r.headers["cache-control"], "private, no-store");
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/me").status, 401);
}

// A page opened in a new tab learns its session's CSRF token from me (a bearer client gets
// none), and the zone the MVNO counts days in.
TEST_P(ConsumerLoginTest, MeGivesABrowserItsCsrfTokenAndTheZone) {
  auto browser = login("acme", "u1", kPassword, "/portal/login");
  ASSERT_EQ(browser.status, 200) << browser.body;
  std::string jar =
      browser.headers["set-cookie"].substr(0, browser.headers["set-cookie"].find(';'));
  json me = json::parse(http_get(host_.port(), "/portal/api/v1/me", {{"Cookie", jar}}).body);
  EXPECT_EQ(me["csrf_token"], json::parse(browser.body)["csrf_token"]);
  EXPECT_EQ(me["time_zone"], "Asia/Tokyo");
  json app =
      json::parse(http_get(host_.port(), "/portal/api/v1/me", bearer(token_of("acme", "u1"))).body);
  EXPECT_FALSE(app.contains("csrf_token"));
}

// This month's charges so far and the bills as CSV: the consumer's own, private.
TEST_P(ConsumerLoginTest, ChargesSoFarAndBillsAsCsvAreTheConsumersOwn) {
  ASSERT_TRUE(host_.services().bills->close_month("acme", "2026-10", now_us()).ok());
  auto u1 = bearer(token_of("acme", "u1"));
  auto current = http_get(host_.port(), "/portal/api/v1/bills/current", u1);
  ASSERT_EQ(current.status, 200) << current.body;
  json so_far = json::parse(current.body);
  EXPECT_EQ(so_far["account"], "u1");
  EXPECT_EQ(so_far["estimate"], true);
  EXPECT_EQ(so_far["lines"][0]["label"], "Basic");
  EXPECT_FALSE(so_far["as_of"].get<std::string>().empty());
  EXPECT_EQ(current.headers["cache-control"], "private, no-store");
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/bills/current").status, 401);

  auto csv = http_get(host_.port(), "/portal/api/v1/bills?month=2026-10&format=csv", u1);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["content-type"].rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("account,month,kind,label,quantity,amount\nu1,2026-10,plan,Basic,", 0),
            0u)
      << csv.body;
  EXPECT_EQ(csv.body.find("u2"), std::string::npos);
  auto none = http_get(host_.port(), "/portal/api/v1/bills?month=2026-09", u1);
  EXPECT_EQ(json::parse(none.body)["bills"].size(), 0u);
  EXPECT_EQ(json::parse(none.body)["month"], "2026-09");
}

// Changing the password needs the current one and ends the other sessions; a reset token
// from the operator sets a new one once.
TEST_P(ConsumerLoginTest, PasswordChangeAndReset) {
  std::string keep = token_of("acme", "u2"), other = token_of("acme", "u2");
  json change = {{"current_password", "wrong one"}, {"new_password", "brand new pass 2"}};
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/password", change.dump(), bearer(keep)).status,
            403);
  change["current_password"] = kPassword;
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/password", change.dump(), bearer(keep)).status,
            200);
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/probe/say", bearer(keep)).status, 200);
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/probe/say", bearer(other)).status, 401);
  EXPECT_EQ(login("acme", "u2", "brand new pass 2").status, 200);

  auto& consumers = *host_.services().consumers;
  auto reset = consumers.start_reset(consumers.find("acme", "u2").value(), now_us()).value();
  json body = {{"token", reset.token}, {"new_password", "after reset 3"}};
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/password-reset", body.dump()).status, 200);
  EXPECT_EQ(http_post(host_.port(), "/portal/api/v1/password-reset", body.dump()).status, 400)
      << "used once";
  EXPECT_EQ(http_get(host_.port(), "/portal/api/v1/probe/say", bearer(keep)).status, 401);
  EXPECT_EQ(login("acme", "u2", "after reset 3").status, 200);
}

// The high-speed switch: the consumer reads and sets it (a cookie needs the CSRF token); each
// change reaches its own MVNO's change feed, never another's.
TEST_P(ConsumerLoginTest, SpeedSwitchFeedsItsOwnTenantsChanges) {
  std::string token = token_of("acme", "u2");
  const std::string speed = "/portal/api/v1/speed";
  auto initial = http_get(host_.port(), speed, bearer(token));
  ASSERT_EQ(initial.status, 200) << initial.body;
  EXPECT_EQ(json::parse(initial.body)["high_speed"], true);
  auto off = http_post(host_.port(), speed, R"({"high_speed":"off"})", bearer(token));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json::parse(off.body)["high_speed"], false);
  EXPECT_EQ(http_post(host_.port(), speed, R"({"high_speed":"off"})", bearer(token)).status, 200);
  EXPECT_EQ(http_post(host_.port(), speed, R"({"high_speed":"fast"})", bearer(token)).status, 400);
  auto browser = login("acme", "u1", kPassword, "/portal/login");
  std::string jar =
      browser.headers["set-cookie"].substr(0, browser.headers["set-cookie"].find(';'));
  EXPECT_EQ(http_post(host_.port(), speed, R"({"high_speed":"off"})", {{"Cookie", jar}}).status,
            403);

  int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
  auto feed = [&](const std::string& tenant, int64_t after) {
    auto key = host_.services().keys->create(tenant, "t", year).value();
    auto r = http_get(host_.port(), "/api/v1/speed/changes?after=" + std::to_string(after),
                      bearer(key.token));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  };
  json acme = feed("acme", 0);
  ASSERT_EQ(acme["changes"].size(), 1u) << "setting the state it has is no change";
  EXPECT_EQ(acme["changes"][0]["account"], "u2");
  EXPECT_EQ(acme["changes"][0]["high_speed"], false);
  EXPECT_EQ(feed("acme", acme["next_after"].get<int64_t>())["changes"].size(), 0u);
  EXPECT_EQ(feed("bolt", 0)["changes"].size(), 0u);
  EXPECT_EQ(http_get(host_.port(), "/api/v1/speed/changes").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsumerLoginTest, ::testing::ValuesIn(test_backends()));

}  // namespace
}  // namespace mvne::testing
