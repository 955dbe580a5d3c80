// The leak patterns of the seed cases, each played by a deliberately buggy plugin route
// (tests/fixtures/ledger.cpp), and each stopped by the host.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

int64_t at(const char* iso) { return parse_time_us(iso).value(); }

class LeakPatternsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir.add_tenant({0, t, t, "UTC", "/tmp", {"ledger"}}).ok());
      ASSERT_TRUE(dir.add_plan({0, t, "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
      ASSERT_TRUE(
          dir.add_subscriber({0, t, "holder1", "svc", "basic", std::string("h1@") + t + ".example"})
              .ok());
    }
    // 09050000001 is acme's only; 09050000002 moves from acme to bolt on March 1st.
    assign("acme", "09050000001", "2026-01-01");
    assign("acme", "09050000002", "2026-01-01");
    tenancy::LineAssignment to{"bolt", "holder1",        "",      "09050000002", "",
                               "",     at("2026-03-01"), kForever};
    ASSERT_TRUE(dir.move(tenancy::IdKind::kMsisdn, "09050000002", to).ok());
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    acme_ = host_.services().keys->create("acme", "t", year)->token;
    bolt_ = host_.services().keys->create("bolt", "t", year)->token;

    spool_.write("calls.csv",
                 "a1," + us("2026-02-01") +
                     ",09050000001,+81311110000,60\n"
                     "a2," +
                     us("2026-02-02") +
                     ",09050000002,+81311110000,70\n"  // acme's period
                     "b1," +
                     us("2026-03-05") +
                     ",09050000002,+81311110000,80\n"  // bolt's period
                     "q1," +
                     us("2025-06-01") + ",09050000002,+81311110000,90\n");  // nobody's
    ingest::Spooler spooler(&host_.plugins());
    ASSERT_EQ(spooler.poll(), 1);
  }
  static std::string us(const char* iso) { return std::to_string(at(iso)); }
  void assign(const char* tenant, const char* msisdn, const char* from) {
    tenancy::LineAssignment l{tenant, "holder1", "", msisdn, "", "", at(from), kForever};
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

  TempDir spool_;
  InProcessHost host_{fixture_settings({"ledger"}, {"plugin.ledger.spool_dir=" + spool_.path()})};
  std::string acme_, bolt_;
};

// Spool files are ingested once, attributed by number and time; the unattributable one is
// quarantined, and each tenant reads exactly its own calls.
TEST_F(LeakPatternsTest, EachTenantReadsExactlyItsOwnCalls) {
  EXPECT_TRUE(std::filesystem::exists(spool_.path() + "/done/calls.csv"));
  EXPECT_EQ(host_.services().records->quarantine(false)->size(), 1u);
  auto acme = get("/api/ledger/calls", acme_);
  EXPECT_EQ(acme.status, 200);
  EXPECT_EQ(acme.body, "a1,+819050000001,+81311110000,60\na2,+819050000002,+81311110000,70\n");
  EXPECT_EQ(get("/api/ledger/calls", bolt_).body, "b1,+819050000002,+81311110000,80\n");
  EXPECT_EQ(audited("http_response"), 2);
}

// What the requester itself sent is no leak: echoing another tenant's number back answers
// as for any number, with no incident, so the answer tells nothing about who holds it.
TEST_F(LeakPatternsTest, EchoOfTheRequestersOwnInputIsNoIncident) {
  auto echo = get("/api/ledger/leak?msisdn=09050000001", bolt_);
  EXPECT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, "calls for 09050000001: none\n");
  EXPECT_EQ(get("/api/ledger/leak?msisdn=09059999999", bolt_).status, 200);
  EXPECT_EQ(audited("egress_blocked"), 0);
  EXPECT_EQ(host_.metrics().plugin_errors("ledger", "egress_blocked"), 0u);
}

// A response cached for one tenant and served to the next is blocked.
TEST_F(LeakPatternsTest, StaticallyCachedResponseIsBlockedForTheNextTenant) {
  EXPECT_EQ(get("/api/ledger/cached", acme_).status, 200);
  auto replay = get("/api/ledger/cached", bolt_);
  EXPECT_EQ(replay.status, 500);
  EXPECT_EQ(replay.body.find("a1,"), std::string::npos);
}

// Asking for a number's records gives the new holder only its own period.
TEST_F(LeakPatternsTest, NewHolderNeverSeesThePreviousHoldersRecords) {
  auto bolt = get("/api/ledger/previous?msisdn=090-5000-0002", bolt_);
  EXPECT_EQ(bolt.status, 200);
  EXPECT_EQ(bolt.body, "b1,+819050000002,+81311110000,80\n");
  auto acme = get("/api/ledger/previous?msisdn=09050000002", acme_);
  EXPECT_EQ(acme.body, "a2,+819050000002,+81311110000,70\n");
}

// An ingest context cannot read (what it was told is kept in the ingest handlers' store).
TEST_F(LeakPatternsTest, IngestContextCannotRead) {
  auto told = host_.services().kv->get("ledger", 0, "read_while_ingesting");
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(told.value(), std::optional<std::string>(std::to_string(MVNE_ERR_WRONG_PHASE)));
}

// Plugin state in the key-value store is kept per tenant.
TEST_F(LeakPatternsTest, KeyValueStoreIsPerTenant) {
  EXPECT_EQ(get("/api/ledger/note?set=acme-secret", acme_).body, "acme-secret");
  EXPECT_EQ(get("/api/ledger/note", bolt_).body, "(none)");
  EXPECT_EQ(get("/api/ledger/note?set=bolt-note", bolt_).body, "bolt-note");
  EXPECT_EQ(get("/api/ledger/note", acme_).body, "acme-secret");
}

}  // namespace
}  // namespace mvne::testing
