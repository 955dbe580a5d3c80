// Refused datagrams through the hub: every one counted, the log a sample of them.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <fstream>

#include "core/ingest/datagram_hub.h"
#include "core/log/log.h"
#include "tests/support/host_process.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

// 300 datagrams from a client that is not configured: all counted, a few lines logged.
TEST(DatagramLog, UnknownClientFloodIsCountedAndSampled) {
  TempDir dir;
  const std::string log_file = dir.path() + "/host.log";
  config::LogSettings log_settings;
  log_settings.file = log_file;
  ASSERT_TRUE(log::init(log_settings).ok());
  InProcessHost host(fixture_settings(
      {"data_sessions"},
      {std::string("plugins.dir=") + MVNE_PLUGIN_DIR, "plugin.data_sessions.listen=127.0.0.1:0",
       "plugin.data_sessions.client_secrets=10.9.9.9=testing123"}));
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  auto listener = std::static_pointer_cast<ingest::DatagramHub::Listener>(
      host.plugins().running()[0]->registrations().datagrams[0].listener);
  uint16_t port = ingest::bound_port(*listener);

  auto started = std::chrono::steady_clock::now();
  boost::asio::io_context io;
  boost::asio::ip::udp::socket socket(io, boost::asio::ip::udp::v4());
  for (int i = 0; i < 300; ++i) {
    socket.send_to(boost::asio::buffer(std::string("\x04\x01\x00\x14", 4) + std::string(16, 'a')),
                   {boost::asio::ip::make_address("127.0.0.1"), port});
    // Paced so that the receive buffer never overflows: every datagram must be counted.
    if (i % 50 == 49) {
      ASSERT_TRUE(eventually(
          [&] { return host.metrics().datagrams("data_sessions", "unknown_client") >= i + 1u; }));
    }
  }
  ASSERT_TRUE(eventually(
      [&] { return host.metrics().datagrams("data_sessions", "unknown_client") == 300u; }));
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();
  std::ifstream in(log_file);
  int lines = 0;
  for (std::string line; std::getline(in, line);)
    lines += line.find("dropped a datagram: unknown_client") != std::string::npos;
  EXPECT_GE(lines, 1);
  EXPECT_LE(lines, 1 + seconds / 10 + 1) << "one line per 10 s at most, after the first";
  (void)log::init(config::LogSettings{});
}

}  // namespace
}  // namespace mvne::testing
