// The SDK's test host refuses what would make a plugin author's test meaningless, with the
// host's own message: a plugin that does not start, a plugin that is not there, a spool or
// an account that does not exist.
#include <gtest/gtest.h>
#include <mvne/testing/test_host.hpp>

#include <functional>
#include <string>

namespace {

using mvne::testing::TestHost;

// The message of what `fn` throws ("" when it does not throw).
std::string thrown(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(TestHostRefuses, APluginWithoutItsRequiredKey) {
  std::string error =
      thrown([] { TestHost host({.plugin_dirs = {MVNE_PLUGIN_DIR}, .plugins = {"mms"}}); });
  EXPECT_NE(error.find("spool_dir"), std::string::npos) << error;
}

TEST(TestHostRefuses, APluginThatIsNotThere) {
  std::string error =
      thrown([] { TestHost host({.plugin_dirs = {MVNE_PLUGIN_DIR}, .plugins = {"nosuch"}}); });
  EXPECT_NE(error.find("nosuch"), std::string::npos) << error;
}

TEST(TestHostRefuses, SpoolsAccountsAndExportsThatDoNotExist) {
  TestHost host({.plugin_dirs = {MVNE_PLUGIN_DIR},
                 .plugins = {"mms"},
                 .settings = {"plugin.mms.spool_dir={dir}/mms"}});
  EXPECT_NE(thrown([&] { host.spool("sms", "x.csv", ""); }).find("sms is not running"),
            std::string::npos);
  EXPECT_NE(thrown([&] { host.consumer_token("acme", "A-1"); }).find("acme"), std::string::npos);
  EXPECT_NE(thrown([&] { host.run_export("mms", "acme", "2026-11-05", "bills"); }).find("bills"),
            std::string::npos);
  EXPECT_NE(
      thrown([&] { host.assign_line("acme", "A-1", "0901", "not a time"); }).find("not a time"),
      std::string::npos);
}

TEST(TestHost, AFileThatCannotBeReadFailsWithItsReason) {
  TestHost host({.plugin_dirs = {MVNE_PLUGIN_DIR},
                 .plugins = {"mms"},
                 .settings = {"plugin.mms.spool_dir={dir}/mms"}});
  auto file = host.spool("mms", "empty.csv", "");
  EXPECT_FALSE(file.done);
  EXPECT_FALSE(file.error.empty());
}

}  // namespace
