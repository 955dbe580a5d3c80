// The egress guard on real responses, on both storage backends (it reads the identifier
// index from the database): headers are guarded like the body, numbers are compared in
// normalised form on both sides, what the requester sent is no leak (so nothing tells
// whether another principal's identifier exists), and a guard that cannot read the index
// answers 503 instead of reporting an incident.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

int64_t at(const char* iso) { return parse_time_us(iso).value(); }

// acme holds 080-2000-0001, the number egress_probe sends out; bolt holds 090-2222-0001.
class GuardTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    for (const char* t : {"acme", "bolt"}) {
      std::string exports = spool_.path() + "/exports-" + t;
      std::filesystem::create_directories(exports);
      ASSERT_TRUE(dir.add_tenant({0, t, t, "UTC", exports, {"ledger", "egress_probe"}}).ok());
      ASSERT_TRUE(dir.add_plan({0, t, "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
      ASSERT_TRUE(dir.add_subscriber({0, t, std::string(t) + "-holder", "svc", "basic",
                                      std::string("h1@") + t + ".example"})
                      .ok());
    }
    assign("acme", "080-2000-0001");
    assign("bolt", "090-2222-0001");
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    acme_ = host_.services().keys->create("acme", "t", year)->token;
    bolt_ = host_.services().keys->create("bolt", "t", year)->token;
  }
  void assign(const char* tenant, const char* msisdn) {
    tenancy::LineAssignment l{
        tenant, std::string(tenant) + "-holder", "", msisdn, "", "", at("2026-01-01"), kForever};
    ASSERT_TRUE(host_.services().directory->assign(l).ok());
  }
  HttpResult get(const std::string& target, const std::string& token) {
    return http_get(host_.port(), target, {{"Authorization", "Bearer " + token}});
  }
  int64_t audited(const std::string& action) {
    int64_t n = 0;
    for (const auto& e : host_.services().audit->entries(0, now_us() + 1000000).value())
      n += e.action == action;
    return n;
  }
  void expect_blocked(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.status, 500) << what << ": " << r.body;
    EXPECT_NE(r.body.find("egress_blocked"), std::string::npos) << what;
    EXPECT_EQ(r.body.find("2000"), std::string::npos) << what;
  }

  TestDatabase db_{GetParam()};
  TempDir spool_;
  InProcessHost host_{
      fixture_settings({"ledger", "egress_probe"}, {"plugin.ledger.spool_dir=" + spool_.path(),
                                                    "plugin.egress_probe.number=08020000001"}),
      db_.db()};
  std::string acme_, bolt_;
};

// Another tenant's number in an allowed header (a Content-Type parameter, a file name)
// withholds the response, audited as an incident, like the body does.
TEST_P(GuardTest, ForeignNumberInAHeaderWithholdsTheResponse) {
  expect_blocked(get("/api/probe/say?header=Content-Type&before=text/plain%3B%20ref%3D", bolt_),
                 "Content-Type");
  expect_blocked(
      get("/api/probe/say?header=Content-Disposition&before=attachment%3B%20filename%3D", bolt_),
      "Content-Disposition");
  expect_blocked(get("/api/probe/say?header=X-Mvne-Ref", bolt_), "X-Mvne-Ref");
  EXPECT_EQ(audited("egress_blocked"), 3);
  EXPECT_EQ(host_.metrics().plugin_errors("egress_probe", "egress_blocked"), 3u);
  // The holder itself gets its number in the header.
  auto own = get("/api/probe/say?header=Content-Type&before=text/plain%3B%20ref%3D", acme_);
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.headers["content-type"], "text/plain; ref=08020000001");
}

// A plugin sets only the allow-listed headers: custom, cache and proxy headers are
// refused at the call, so no proxy or CDN can be told to cache a principal's response.
TEST_P(GuardTest, PluginsSetOnlyAllowListedHeaders) {
  for (const char* name :
       {"X-Leak", "X-Accel-Expires", "X-Accel-Redirect", "Surrogate-Control", "CDN-Cache-Control",
        "Cache-Control", "Expires", "Pragma", "Vary", "Set-Cookie", "Connection", "Content-Length",
        "X-Request-Id", "Access-Control-Allow-Origin", "Link"}) {
    auto r = get(std::string("/api/probe/say?header=") + name, acme_);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.body, "set_header=refused") << name;
    EXPECT_NE(r.headers["cache-control"], "08020000001") << name;
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "cache-control" && lower != "vary" && lower != "content-length" &&
        lower != "connection" && lower != "x-request-id") {
      EXPECT_EQ(r.headers.count(lower), 0u) << name;
    }
  }
  for (const char* name : {"Content-Language", "X-Next-Cursor", "X-Mvne-Ref", "Retry-After"}) {
    EXPECT_EQ(get(std::string("/api/probe/say?header=") + name, acme_).body, "set_header=ok")
        << name;
  }
  // Location only as a path on this host.
  EXPECT_EQ(get("/api/probe/say?header=Location&before=//evil.example/", acme_).body,
            "set_header=refused");
  EXPECT_EQ(get("/api/probe/say?header=Location&before=/api/probe/", acme_).body, "set_header=ok");
}

// Another tenant's number written with spaces, brackets, dots or dashes is caught as
// surely as written plain.
TEST_P(GuardTest, NumbersWrittenWithSeparatorsAreCaught) {
  for (const char* style : {"plain", "dashes", "spaces", "brackets", "dots"}) {
    expect_blocked(get(std::string("/api/probe/say?style=") + style, bolt_), style);
    EXPECT_EQ(get(std::string("/api/probe/say?style=") + style, acme_).status, 200) << style;
  }
  EXPECT_EQ(get("/api/probe/say?style=spaces", acme_).body, "number 0 8 0 2 0 0 0 0 0 0 1");
  EXPECT_EQ(audited("egress_blocked"), 5);
}

// A tenant's own on-net call is served although the other party (bolt's number) is
// written with dashes in the record: values read are compared in normalised form.
TEST_P(GuardTest, OwnCallWithADashedOnNetPeerIsServed) {
  spool_.write("calls.csv",
               "a1," + std::to_string(at("2026-02-01")) + ",08020000001,090-2222-0001,60\n");
  ingest::Spooler spooler(&host_.plugins());
  ASSERT_EQ(spooler.poll(), 1);
  auto calls = get("/api/ledger/calls", acme_);
  EXPECT_EQ(calls.status, 200) << calls.body;
  EXPECT_EQ(calls.body, "a1,+818020000001,090-2222-0001,60\n");
  EXPECT_EQ(audited("egress_blocked"), 0);
}

// What the requester sent comes back whoever holds it: another tenant's MSISDN (in any
// spelling), account id or e-mail answers exactly as an unknown value does, with no
// incident, with or without a key; so the guard tells nobody what exists.
TEST_P(GuardTest, WhatTheRequesterSentIsNoOracle) {
  for (const char* value :
       {"08020000001", "%2B818020000001", "818020000001", "080-2000-0001", "acme-holder",
        "h1%40acme.example", "H1%40ACME.example", "08099999999", "nobody-known", "x%40y.example"}) {
    auto r = get(std::string("/api/probe/lookup?q=") + value, bolt_);
    EXPECT_EQ(r.status, 400) << value << ": " << r.body;
    EXPECT_EQ(r.body.substr(0, 14), "no such value ") << value;
    auto hello = http_get(host_.port(), std::string("/api/probe/hello?name=") + value);
    EXPECT_EQ(hello.status, 200) << value << ": " << hello.body;
  }
  // Sent in one spelling, written back in another: compared in normalised form.
  EXPECT_EQ(get("/api/probe/say?style=spaces&q=%2B81%2080%202000%200001", bolt_).status, 200);
  EXPECT_EQ(get("/api/probe/say?style=brackets", bolt_).status, 500);  // not sent: a leak
  EXPECT_EQ(audited("egress_blocked"), 1);
}

// When the guard cannot read the identifier index, the response is withheld with 503 and
// Retry-After: no incident is reported, nothing is counted as blocked.
TEST_P(GuardTest, GuardStorageErrorIs503NotAnIncident) {
  {
    auto lease = db_.db()->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute("UPDATE directory_version SET version = version + 1").ok());
    ASSERT_TRUE((*lease)->execute("ALTER TABLE subscribers RENAME TO subscribers_away").ok());
  }
  auto r = get("/api/probe/say", acme_);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.headers["retry-after"], "1");
  EXPECT_EQ(r.body.find("egress_blocked"), std::string::npos);
  EXPECT_EQ(audited("egress_blocked"), 0);
  EXPECT_EQ(host_.metrics().plugin_errors("egress_probe", "egress_blocked"), 0u);
  EXPECT_EQ(http_get(host_.port(), "/api/probe/hello?name=x").status, 503);
}

INSTANTIATE_TEST_SUITE_P(Backends, GuardTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
