// The real host restarts at once on its port after connections it closed itself (left in
// TIME_WAIT), while a second host on a port in use is still refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

// A port nothing listens on now.
uint16_t free_port() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  return probe.address().port();
}

// A request the server answers and then closes first (Connection: close); returns once the
// client has seen the server's end of stream, so the server's side is in TIME_WAIT.
void request_closed_by_server(uint16_t port) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  char buf[4096];
  while (socket.receiveBytes(buf, sizeof buf) > 0) {
  }
}

TEST(Restart, RestartsAtOnceAfterServerClosedConnections) {
  TempDir dir;
  uint16_t port = free_port();
  std::string config =
      dir.write("mvne.conf", "[http]\nlisten = 127.0.0.1:" + std::to_string(port) +
                                 "\n[storage]\npath = mvne.db\n[plugins]\nenabled =\n");
  {
    HostProcess first({"--config", config});
    ASSERT_TRUE(first.started()) << first.err();
    for (int i = 0; i < 3; ++i) request_closed_by_server(port);

    ExitResult second = run_host({"--config", config});
    EXPECT_EQ(second.exit_code, 2) << "a second host on a port in use is refused";
    EXPECT_NE(second.err.find("cannot listen"), std::string::npos) << second.err;

    first.signal(SIGTERM);
    ASSERT_EQ(first.wait(30), 0) << first.err();
  }
  HostProcess again({"--config", config});
  EXPECT_TRUE(again.started()) << again.err();
}

}  // namespace
}  // namespace mvne::testing
