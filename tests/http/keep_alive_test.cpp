// 256 idle keep-alive clients must not starve the next one. With POCO's defaults (16
// threads) they do: the control test shows the same scenario failing with 16 threads.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <vector>

#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

using Session = Poco::Net::HTTPClientSession;

// Sends GET /healthz on `session` (keep-alive) and returns the status.
int get_health(Session& session) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return response.getStatus();
}

// Opens `n` keep-alive connections, each having completed one request, left idle.
std::vector<std::unique_ptr<Session>> hold_idle(uint16_t port, int n) {
  std::vector<std::unique_ptr<Session>> held;
  for (int i = 0; i < n; ++i) {
    auto s = std::make_unique<Session>("127.0.0.1", port);
    s->setKeepAlive(true);
    s->setTimeout(Poco::Timespan(10, 0));
    if (get_health(*s) != 200) break;
    held.push_back(std::move(s));
  }
  return held;
}

// Whether a new client is answered while the idle connections are still held. The
// keep-alive timeout (120 s) is far beyond the client's wait (8 s), so an answer can only
// come from a free thread, not from an idle connection timing out.
bool new_client_answered(uint16_t port) {
  Session fresh("127.0.0.1", port);
  fresh.setTimeout(Poco::Timespan(8, 0));
  try {
    return get_health(fresh) == 200;
  } catch (const Poco::TimeoutException&) {
    return false;
  }
}

TEST(KeepAlive, NewClientAnsweredWhile256IdleConnectionsAreOpen) {
  InProcessHost host(fixture_settings({}, {"http.keep_alive_timeout_s=120"}));
  // On the defaults of the host (not set here), only the keep-alive timeout is raised.
  auto held = hold_idle(host.port(), 256);
  ASSERT_EQ(held.size(), 256u);
  EXPECT_TRUE(new_client_answered(host.port()));
  // The idle connections were kept, not dropped to make room.
  int still_open = 0;
  for (auto& s : held) still_open += get_health(*s) == 200;
  EXPECT_EQ(still_open, 256);
}

TEST(KeepAlive, ControlWithPocoDefaultsTheNewClientWaits) {
  InProcessHost host(fixture_settings(
      {}, {"http.keep_alive_timeout_s=120", "http.max_threads=16", "http.min_threads=2"}));
  auto held = hold_idle(host.port(), 16);
  ASSERT_EQ(held.size(), 16u);
  EXPECT_FALSE(new_client_answered(host.port()));
}

}  // namespace
}  // namespace mvne::testing
