// Datagram listeners: host-owned UDP sockets, replies after the handler, a faulty handler
// survived, a port in use failing the plugin's start with the reason.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "core/ingest/datagram_hub.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

uint16_t listener_port(InProcessHost& host) {
  auto running = host.plugins().running();
  if (running.empty() || running[0]->registrations().datagrams.empty()) return 0;
  auto listener = std::static_pointer_cast<ingest::DatagramHub::Listener>(
      running[0]->registrations().datagrams[0].listener);
  return ingest::bound_port(*listener);
}

// Sends `payload` and waits up to 2 s for an answer; "" when none came.
std::string exchange(uint16_t port, const std::string& payload) {
  asio::io_context io;
  udp::socket socket(io, udp::endpoint(udp::v4(), 0));
  socket.send_to(asio::buffer(payload), udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::array<char, 1024> buf{};
  udp::endpoint from;
  size_t n = 0;
  socket.async_receive_from(asio::buffer(buf), from,
                            [&](auto ec, size_t got) { n = ec ? 0 : got; });
  io.run_for(std::chrono::seconds(2));
  return std::string(buf.data(), n);
}

TEST(Datagrams, HandlerAnswersThroughTheHost) {
  InProcessHost host(fixture_settings({"udp_echo"}, {"plugin.udp_echo.listen=127.0.0.1:0"}));
  ASSERT_TRUE(host.apply_status().ok());
  uint16_t port = listener_port(host);
  ASSERT_NE(port, 0);
  EXPECT_EQ(exchange(port, "hello"), "echo:hello");
  EXPECT_EQ(exchange(port, "drop"), "");
  EXPECT_EQ(exchange(port, "throw"), "") << "no answer after a failed handler";
  // The wrapper's trampoline turned the exception into an error status.
  EXPECT_EQ(host.metrics().plugin_errors("udp_echo", "error_status"), 1u);
  EXPECT_EQ(exchange(port, "again"), "echo:again") << "the listener survived";
}

TEST(Datagrams, PortInUseFailsThePluginWithTheReason) {
  asio::io_context io;
  udp::socket taken(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::string port = std::to_string(taken.local_endpoint().port());
  InProcessHost host(fixture_settings({"udp_echo"}, {"plugin.udp_echo.listen=127.0.0.1:" + port}));
  auto ready = http_get(host.port(), "/readyz").body;
  EXPECT_NE(ready.find("\"state\":\"failed\""), std::string::npos) << ready;
  EXPECT_NE(ready.find("cannot listen on 127.0.0.1:" + port), std::string::npos) << ready;
}

TEST(Datagrams, DisablingThePluginClosesItsSocket) {
  InProcessHost host(fixture_settings({"udp_echo"}, {"plugin.udp_echo.listen=127.0.0.1:0"}));
  uint16_t port = listener_port(host);
  ASSERT_EQ(exchange(port, "one"), "echo:one");
  ASSERT_TRUE(host.plugins().apply(fixture_settings({}), std::chrono::milliseconds(5000)).ok());
  EXPECT_EQ(exchange(port, "two"), "");
  // The port is free again.
  asio::io_context io;
  udp::socket again(io);
  boost::system::error_code ec;
  again.open(udp::v4(), ec);
  again.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_FALSE(ec) << ec.message();
}

}  // namespace
}  // namespace mvne::testing
