// A context belongs to its callback's thread; helper threads get it only through the
// documented hand-off, which ends with the callback. One callback's cursors, bytes and
// key-value keys are bounded, and calls without a tenant keep separate key-value stores
// (tests/fixtures/contexts.cpp plays each case).
#include <gtest/gtest.h>

#include <thread>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "core/plugin/context_table.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

class ContextThreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    for (const char* t : {"acme", "bolt"}) {
      ASSERT_TRUE(dir.add_tenant({0, t, t, "UTC", "/tmp", {"contexts"}}).ok());
      keys_[t] = host_.services().keys->create(t, "t", year)->token;
      ASSERT_EQ(get(std::string("/api/contexts/secret?set=") + t + "-private-text", t).body,
                std::string(t) + "-private-text");
    }
  }
  HttpResult get(const std::string& target, const std::string& tenant) {
    return http_get(host_.port(), target, {{"Authorization", "Bearer " + keys_[tenant]}});
  }

  TempDir spool_;
  InProcessHost host_{fixture_settings(
      {"contexts"}, {"plugin.contexts.spool_dir=" + spool_.path(), "plugins.max_open_cursors=3",
                     "plugins.max_callback_mib=1", "plugins.kv_max_keys=3"})};
  std::map<std::string, std::string> keys_;
};

// A plugin that keeps "the current request" in shared state, with two tenants' requests
// overlapping: the first one's read through the second one's context is refused and
// counted, so acme is never answered with bolt's private text.
TEST_F(ContextThreadTest, ContextKeptInSharedStateIsRefusedOnAnotherThread) {
  auto& table = plugin::ContextTable::instance();
  const uint64_t before = table.other_thread_uses();
  HttpResult acme, bolt;
  std::thread first([&] { acme = get("/api/contexts/global?order=1", "acme"); });
  std::thread second([&] { bolt = get("/api/contexts/global?order=2", "bolt"); });
  first.join();
  second.join();
  EXPECT_EQ(acme.body.find("bolt"), std::string::npos) << acme.body;
  EXPECT_EQ(acme.body, "refused=" + std::to_string(MVNE_ERR_STALE_CONTEXT));
  EXPECT_EQ(bolt.body, "bolt-private-text");
  EXPECT_EQ(table.other_thread_uses(), before + 1);
  auto metrics = http_get(host_.port(), "/metrics").body;
  EXPECT_NE(metrics.find("mvne_context_other_thread_uses_total "), std::string::npos);
}

// Helper threads given the shared handle read and write for their own callback; the
// callback's own handle still fails on a helper, and a helper cannot share further.
TEST_F(ContextThreadTest, SharedHandleServesHelperThreadsOfItsCallback) {
  auto reply = get("/api/contexts/helpers", "acme");
  EXPECT_EQ(reply.status, 200);
  const std::string refused = std::to_string(MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(reply.body,
            "helper1 secret=acme-private-text;helper2 secret=acme-private-text; own_handle=" +
                refused + " reshare=" + refused);
}

// Once the callback that shared its context returned, the shared handle is refused on
// every thread, and nothing reaches the later request's response through it.
TEST_F(ContextThreadTest, SharedHandleDiesWithItsCallback) {
  ASSERT_EQ(get("/api/contexts/helpers", "acme").status, 200);
  auto reply = get("/api/contexts/late", "bolt");
  const std::string refused = std::to_string(MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(reply.body, "helper=" + refused + " here=" + refused);
}

// A closed cursor is freed (any number can be opened one after the other), while open
// ones are bounded: the one past plugins.max_open_cursors is refused and counted.
TEST_F(ContextThreadTest, OpenCursorsAreBoundedAndClosingFreesThem) {
  auto reply = get("/api/contexts/cursors?cycle=20&open=5", "acme");
  EXPECT_EQ(reply.body, "cycled=20 opened=3 last=" + std::to_string(MVNE_ERR_UNAVAILABLE));
  EXPECT_EQ(host_.metrics().plugin_errors("contexts", "limit_open_cursors"), 1u);
}

// What a callback is handed is bounded by plugins.max_callback_mib (1 here): a second
// 600 KiB value is refused and counted.
TEST_F(ContextThreadTest, BytesHeldByOneCallbackAreBounded) {
  auto reply = get("/api/contexts/big?n=3", "acme");
  EXPECT_EQ(reply.body, "read=1 last=" + std::to_string(MVNE_ERR_UNAVAILABLE));
  EXPECT_EQ(host_.metrics().plugin_errors("contexts", "limit_callback_bytes"), 1u);
}

// A store holds at most plugins.kv_max_keys keys (acme's secret is one); deleting a key
// (an empty value) makes room, and another tenant's store is counted apart.
TEST_F(ContextThreadTest, KeysPerStoreAreBounded) {
  const std::string full = "last=" + std::to_string(MVNE_ERR_UNAVAILABLE);
  EXPECT_EQ(get("/api/contexts/keys?prefix=a&n=5", "acme").body, "stored=2 " + full);
  EXPECT_EQ(host_.metrics().plugin_errors("contexts", "limit_kv_keys"), 1u);
  EXPECT_EQ(get("/api/contexts/keys?prefix=a&n=5", "acme").body, "stored=2 " + full)
      << "rewriting existing keys adds none";
  EXPECT_EQ(get("/api/contexts/keys?delete=secret&prefix=b&n=2", "acme").body, "stored=1 " + full);
  EXPECT_EQ(get("/api/contexts/keys?prefix=c&n=2", "bolt").body, "stored=2 last=0");
}

// A public route has a store of its own: it neither reads nor overwrites what the ingest
// handler keeps.
TEST_F(ContextThreadTest, PublicRouteCannotReachIngestState) {
  spool_.write("one.csv", "x\n");
  ingest::Spooler spooler(&host_.plugins());
  ASSERT_EQ(spooler.poll(), 1);
  auto& kv = *host_.services().kv;
  ASSERT_EQ(kv.get("contexts", 0, "state").value(), std::optional<std::string>("from-ingest"));
  EXPECT_EQ(http_get(host_.port(), "/api/contexts/state").body, "(none)");
  EXPECT_EQ(http_get(host_.port(), "/api/contexts/state?set=forged").body, "forged");
  EXPECT_EQ(kv.get("contexts", 0, "state").value(), std::optional<std::string>("from-ingest"));
}

}  // namespace
}  // namespace mvne::testing
