// What mvnectl prints to a terminal: stored text (tenant names, spool lines, reasons) may
// hold escape sequences or newlines; they are shown escaped, never acted on.
#include <gtest/gtest.h>

#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

// An OSC title sequence, a colour, a newline and a bidi override in a stored value come out
// as visible escapes in tables and in refusals.
TEST(TerminalOutput, ControlCharactersInStoredTextAreEscaped) {
  TempDir dir;
  std::vector<std::string> base = {"--config", MVNE_SOURCE_DIR "/config/mvne.conf", "--set",
                                   "storage.path=" + dir.path() + "/mvne.db"};
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return run_ctl(args);
  };
  const std::string name = "Evil\x1b]0;owned\x07\x1b[31m\nroot ok \xe2\x80\xae";
  ASSERT_EQ(ctl({"tenant", "add", "--code", "evil", "--name", name, "--export-dir",
                 dir.path() + "/exports/evil"})
                .exit_code,
            0);
  auto list = ctl({"tenant", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("Evil\\x1b]0;owned\\x07\\x1b[31m\\nroot ok \\u202e"), std::string::npos)
      << list.out;
  EXPECT_EQ(list.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(list.out.find('\x07'), std::string::npos);
  EXPECT_EQ(list.out.find("\nroot ok"), std::string::npos);
  auto refused = ctl({"plan", "add", "--tenant", "no\x1b[2Jbody", "--code", "p"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err.find('\x1b'), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace mvne::testing
