#include "core/plugin/library.h"

#include <gtest/gtest.h>

#include "core/common/time.h"
#include "core/plugin/host_api.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::plugin {
namespace {

Status open_fixture(const std::string& name) {
  auto lib = PluginLibrary::open(plugin_path({MVNE_FIXTURE_DIR}, name), name, host_api());
  return lib.ok() ? Status::Ok() : lib.status();
}

// A plugin built for ABI 2.0 is refused; the message names the file and both versions.
const std::string kHostAbi = "1." + std::to_string(MVNE_ABI_MINOR);

// plugins.dir lists several directories: each plugin comes from the first that has it, and one
// that none has is named with every directory searched.
TEST(PluginLibrary, SeveralDirectoriesAreSearchedInOrder) {
  testing::TempDir empty;
  EXPECT_EQ(plugin_path({empty.path(), MVNE_FIXTURE_DIR}, "tally"),
            std::string(MVNE_FIXTURE_DIR) + "/mvne_tally.so");
  config::Settings settings;
  settings.plugins.dirs = {empty.path(), MVNE_FIXTURE_DIR};
  settings.plugins.enabled = {"tally"};
  EXPECT_TRUE(check_plugin_files(settings).ok());
  settings.plugins.enabled = {"tally", "nowhere"};
  EXPECT_EQ(check_plugin_files(settings).message(),
            "plugins.enabled: plugin 'nowhere' has no file mvne_nowhere.so in " + empty.path() +
                ", " MVNE_FIXTURE_DIR);
}

TEST(PluginLibrary, RefusesNewerMajor) {
  Status st = open_fixture("abi_major2");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("mvne_abi_major2.so"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("plugin declares ABI 2.0"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("host supports ABI major 1 (1.0 to " + kHostAbi + ")"),
            std::string::npos)
      << st.message();
}

// A plugin needing a newer minor than this host has is refused.
TEST(PluginLibrary, RefusesNewerMinor) {
  Status st = open_fixture("abi_minor_newer");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("mvne_abi_minor_newer.so"), std::string::npos);
  EXPECT_NE(st.message().find("plugin declares ABI 1.99, newer than the host's " + kHostAbi),
            std::string::npos)
      << st.message();
}

// A descriptor shorter than ABI 1.0's is refused without reading past its end.
TEST(PluginLibrary, RefusesTruncatedDescriptor) {
  Status st = open_fixture("truncated");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("mvne_truncated.so"), std::string::npos);
  // What ABI 1.0's descriptor holds: everything up to on_stop.
  const size_t v1_size = offsetof(mvne_plugin_descriptor, on_stop) + sizeof(void*);
  EXPECT_NE(st.message().find("descriptor struct_size is 12 bytes, ABI " + kHostAbi +
                              " needs at least " + std::to_string(v1_size)),
            std::string::npos)
      << st.message();
}

// Missing entry symbol, a plugin that refuses the host and a wrong name are refused.
TEST(PluginLibrary, RefusesOtherBrokenPlugins) {
  EXPECT_NE(open_fixture("no_entry").message().find("does not export mvne_plugin_entry"),
            std::string::npos);
  EXPECT_NE(open_fixture("refuses_host").message().find("returned no descriptor"),
            std::string::npos);
  EXPECT_NE(
      open_fixture("wrong_name")
          .message()
          .find("descriptor names the plugin 'someone_else', but it was enabled as 'wrong_name'"),
      std::string::npos);
  EXPECT_NE(open_fixture("not_there").message().find("plugin file not found"), std::string::npos);
}

// The clang-built plugin from the frozen v1.0 header loads and serves a request.
TEST(PluginLibrary, FrozenV1PluginBuiltByClangServes) {
  ASSERT_TRUE(open_fixture("clang_v1").ok()) << open_fixture("clang_v1").message();
  testing::InProcessHost host(
      testing::fixture_settings({"clang_v1"}, {"plugin.clang_v1.greeting=konnichiwa"}));
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  auto reply = testing::http_get(host.port(), "/api/clang/ping");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "pong from clang, ABI 1.0, greeting=konnichiwa");
  EXPECT_EQ(reply.headers["content-type"], "text/plain");
}

// The clang-built plugin from the frozen v1.1 header: its shorter query struct and its
// local_period still work, and the host scopes its reads to the tenant.
TEST(PluginLibrary, FrozenV11PluginBuiltByClangReadsItsRecords) {
  testing::InProcessHost host(testing::fixture_settings({"clang_v1_1"}));
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  auto& dir = *host.services().directory;
  for (const char* t : {"acme", "bolt"}) {
    ASSERT_TRUE(dir.add_tenant({0, t, t, "Asia/Tokyo", "/tmp", {"clang_v1_1"}}).ok());
    ASSERT_TRUE(dir.add_plan({0, t, "p", "p", 0, 0, 1, 0, 0, ""}).ok());
    ASSERT_TRUE(dir.add_subscriber({0, t, "holder", "s", "p", "h@x.example"}).ok());
  }
  ASSERT_TRUE(dir.assign({"acme", "holder", "", "09060000001", "", "", 0, kForever}).ok());
  ASSERT_TRUE(dir.assign({"bolt", "holder", "", "09060000002", "", "", 0, kForever}).ok());
  const records::KindDef* kind = host.plugins().running().front()->kind("note");
  ASSERT_NE(kind, nullptr);
  const int64_t nov = parse_time_us("2026-11-15T12:00:00+09:00").value();
  auto stored = host.services().records->submit(
      *kind,
      {{std::string("n1"), nov, std::string("09060000001")},
       {std::string("n2"), nov + 1, std::string("09060000001")},
       {std::string("n3"), nov, std::string("09060000002")},
       {std::string("n4"), parse_time_us("2026-12-01T12:00:00+09:00").value(),
        std::string("09060000001")}},
      "test");
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  std::string key = host.services().keys->create("acme", "t", now_us() + 86400000000LL)->token;
  auto reply = testing::http_get(host.port(), "/api/clang11/notes",
                                 {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, "ABI 1.1: 2 notes in 2026-11 from " +
                            std::to_string(parse_time_us("2026-11-01T00:00:00+09:00").value()));
}

}  // namespace
}  // namespace mvne::plugin
