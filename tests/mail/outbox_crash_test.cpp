// kill -9 of a real mvne-host while it delivers the outbox to a slow relay, then a restart,
// on SQLite and MariaDB: every message reaches the relay, none is lost; at most the one being
// accepted at the moment of the kill arrives twice, with the same Message-ID (docs/mail.md).
#include <gtest/gtest.h>
#include <signal.h>

#include <map>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tests/support/host_process.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class OutboxCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  TestDatabase db_{GetParam()};
  TempDir dir_;
};

std::string message_id(const std::string& data) {
  size_t at = data.find("Message-ID: ");
  return at == std::string::npos ? "" : data.substr(at, data.find("\r\n", at) - at);
}

TEST_P(OutboxCrashTest, KillNineWhileDeliveringLosesNothing) {
  SmtpSink sink(150);  // a slow relay: 150 ms a message
  const std::string config = dir_.write(
      "mvne.conf", "[http]\nlisten = 127.0.0.1:0\n" + storage_section(db_.settings(), dir_) +
                       "[mail]\nrelay = 127.0.0.1:" + std::to_string(sink.port()) +
                       "\nstarttls = off\nlease_s = 5\n[billing]\nauto_close = false\n");
  auto services = platform::Services::on(db_.db(), config::NumberingConfig{});
  constexpr int kMessages = 20;
  for (int i = 0; i < kMessages; ++i) {
    mail::Message m;
    m.from = {"", "noreply@mvne.example"};
    m.to = {{"", "user" + std::to_string(i) + "@example.jp"}};
    m.subject = "notice " + std::to_string(i);
    m.text = "text\n";
    ASSERT_TRUE(services->mail->submit(m, {"", "host", "test", "test"}, {}).ok());
  }
  {
    HostProcess host({"--config", config});
    ASSERT_TRUE(host.started()) << host.err();
    ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 4; }, 30)) << host.err();
    host.signal(SIGKILL);
    host.wait(30);
  }
  const size_t before = sink.messages().size();
  EXPECT_LT(before, static_cast<size_t>(kMessages)) << "killed mid-way";
  {
    HostProcess host({"--config", config});
    ASSERT_TRUE(host.started()) << host.err();
    EXPECT_TRUE(eventually(
        [&] { return services->mail->outbox().list("sent", 100)->size() == kMessages; }, 60))
        << host.err();
    host.signal(SIGTERM);
    host.wait(30);
  }
  std::map<std::string, int> times;
  for (const auto& m : sink.messages()) ++times[message_id(m.data)];
  EXPECT_EQ(times.size(), static_cast<size_t>(kMessages)) << "every message arrived";
  int repeats = 0;
  for (const auto& [id, n] : times) repeats += n - 1;
  EXPECT_LE(repeats, 1) << "at most the message in flight at the kill, with its Message-ID";
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxCrashTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
