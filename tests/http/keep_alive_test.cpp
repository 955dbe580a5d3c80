// 256 idle keep-alive clients must not starve the next one, even with two worker threads:
// an idle connection holds no thread. Past http.max_connections the next one is answered
// 503 with Retry-After at once, not left waiting (the control: the same clients, a bound).
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <vector>

#include "tests/support/host_process.h"
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

// The status a new client gets while the idle connections are still held (0: none within
// 8 s). The keep-alive timeout (120 s) is far beyond the client's wait, so an answer can
// only come from the server, not from an idle connection timing out.
int new_client_status(uint16_t port) {
  Session fresh("127.0.0.1", port);
  fresh.setTimeout(Poco::Timespan(8, 0));
  try {
    return get_health(fresh);
  } catch (const Poco::TimeoutException&) {
    return 0;
  }
}

TEST(KeepAlive, NewClientAnsweredWhile256IdleConnectionsAreOpen) {
  InProcessHost host(fixture_settings(
      {}, {"http.keep_alive_timeout_s=120", "http.min_threads=1", "http.max_threads=2"}));
  auto held = hold_idle(host.port(), 256);
  ASSERT_EQ(held.size(), 256u);
  EXPECT_EQ(new_client_status(host.port()), 200);
  // The idle connections were kept, not dropped to make room.
  int still_open = 0;
  for (auto& s : held) still_open += get_health(*s) == 200;
  EXPECT_EQ(still_open, 256);
}

TEST(KeepAlive, PastMaxConnectionsTheNewClientIsAnswered503) {
  InProcessHost host(
      fixture_settings({}, {"http.keep_alive_timeout_s=120", "http.max_connections=16"}));
  auto held = hold_idle(host.port(), 16);
  ASSERT_EQ(held.size(), 16u);
  EXPECT_EQ(new_client_status(host.port()), 503);
  EXPECT_GE(host.front_end().shed_total(), 1u);
  // Once one idle client leaves, a new one is served again.
  held.pop_back();
  EXPECT_TRUE(eventually([&] { return new_client_status(host.port()) == 200; }));
}

}  // namespace
}  // namespace mvne::testing
