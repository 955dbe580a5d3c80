#include "core/http/front_end.h"
#include "core/jobs/scheduler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <regex>
#include <sstream>

#include "core/log/log.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

// /healthz answers; /readyz is ready when every enabled plugin runs.
TEST(FrontEnd, HealthAndReadiness) {
  InProcessHost host(fixture_settings({"fixture"}));
  EXPECT_EQ(http_get(host.port(), "/healthz").status, 200);
  auto ready = http_get(host.port(), "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(R"({"name":"fixture","state":"running","version":"1.2.3"})"),
            std::string::npos)
      << ready.body;
}

// Requests reach the plugin with their query and headers; every reply has a request id.
TEST(FrontEnd, RoutesToPluginWithQueryAndHeaders) {
  InProcessHost host(fixture_settings({"fixture"}, {"plugin.fixture.greeting=hej"}));
  auto reply = http_get(host.port(), "/api/fixture/echo?name=a%20b", {{"X-Test", "42"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "name=a b;header=42");
  EXPECT_TRUE(
      std::regex_match(reply.headers["x-request-id"], std::regex("[0-9a-f]{8}-[0-9a-f]{8}")));
  EXPECT_EQ(http_get(host.port(), "/api/fixture/config").body, "hej");
}

// Unknown paths get a JSON 404 and are counted under one bounded label.
TEST(FrontEnd, UnknownRoutesAre404) {
  InProcessHost host(fixture_settings({"fixture"}));
  auto reply = http_get(host.port(), "/api/nobody/home");
  EXPECT_EQ(reply.status, 404);
  EXPECT_NE(reply.body.find(R"("code":"not_found")"), std::string::npos);
  EXPECT_EQ(http_get(host.port(), "/elsewhere").status, 404);
  EXPECT_EQ(host.metrics().requests("unmatched", 404), 2u);
}

// A route that needs a principal is never reached without one.
TEST(FrontEnd, ScopedRouteIsNotReachedUnauthenticated) {
  InProcessHost host(fixture_settings({"fixture"}));
  auto reply = http_get(host.port(), "/api/fixture/scoped");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(http_get(host.port(), "/api/fixture/counts").body.substr(0, 8), "scoped=0");
}

// /metrics is Prometheus text with plugin states, requests by route/status and latencies.
TEST(FrontEnd, MetricsInPrometheusFormat) {
  InProcessHost host(fixture_settings({"fixture"}));
  http_get(host.port(), "/api/fixture/echo");
  auto reply = http_get(host.port(), "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = reply.body;
  EXPECT_NE(m.find(R"(mvne_plugin_state{plugin="fixture",state="running"} 1)"), std::string::npos);
  EXPECT_NE(m.find(R"(mvne_http_requests_total{route="/api/fixture/echo",status="200"} 1)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(mvne_http_request_duration_seconds_count{route="/api/fixture/echo"} 1)"),
            std::string::npos);
  EXPECT_NE(m.find("# TYPE mvne_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(m.find("mvne_stale_context_uses_total "), std::string::npos);
}

// Histogram sums are printed in full, so rate() sees every increment (not 1.23457e+06).
TEST(FrontEnd, MetricsPrintSumsAtFullPrecision) {
  metrics::Metrics m;
  m.observe_request("/api/x", 200, 1234567.891);
  std::string text = m.render();
  EXPECT_NE(text.find(R"(mvne_http_request_duration_seconds_sum{route="/api/x"} 1234567.891)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(le="0.0005"} 0)"), std::string::npos) << text;
}

// Plugin jobs run on their schedule.
TEST(FrontEnd, JobsRunOnSchedule) {
  config::Settings settings = fixture_settings({"fixture"});
  InProcessHost host(settings);
  jobs::Scheduler scheduler(&host.plugins(), nullptr);
  scheduler.start();
  EXPECT_TRUE(eventually([&] {
    return http_get(host.port(), "/api/fixture/counts").body.find("jobs=0") == std::string::npos;
  }));
  scheduler.stop();
}

// Disables the fixture plugin while a slow request is in it, with `timeout` to drain, and
// returns what the plugin said when it was stopped.
std::string stop_during_slow_call(std::chrono::milliseconds timeout, HttpResult& slow_reply) {
  TempDir dir;
  config::LogSettings log_settings;
  log_settings.file = dir.path() + "/host.log";
  EXPECT_TRUE(log::init(log_settings).ok());
  {
    InProcessHost host(fixture_settings({"fixture"}));
    auto slow = std::async(std::launch::async,
                           [&] { return http_get(host.port(), "/api/fixture/slow?ms=800"); });
    EXPECT_TRUE(eventually([&] { return host.front_end().in_flight().load() > 0; }));
    EXPECT_TRUE(host.plugins().apply(fixture_settings({}), timeout).ok());
    EXPECT_EQ(http_get(host.port(), "/api/fixture/echo").status, 404);
    EXPECT_NE(http_get(host.port(), "/metrics")
                  .body.find(R"(mvne_plugin_state{plugin="fixture",state="disabled"} 1)"),
              std::string::npos);
    slow_reply = slow.get();
  }
  std::ifstream in(log_settings.file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(log::init(config::LogSettings()).ok());
  return text.str();
}

// Disabling a plugin lets its in-flight request finish first, then its routes answer 404.
TEST(FrontEnd, DisablingWaitsForInFlightCalls) {
  HttpResult slow;
  std::string log = stop_during_slow_call(std::chrono::milliseconds(10000), slow);
  EXPECT_NE(log.find("stopping with 0 slow call(s) in flight"), std::string::npos) << log;
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "slept 800");
}

// Control: with no time to drain, the plugin is stopped with the call still inside it,
// which is what the wait above prevents.
TEST(FrontEnd, ControlWithoutDrainTimeThePluginStopsUnderTheCall) {
  HttpResult slow;
  std::string log = stop_during_slow_call(std::chrono::milliseconds(0), slow);
  EXPECT_NE(log.find("stopping with 1 slow call(s) in flight"), std::string::npos) << log;
}

// A header with a line break cannot forge further headers: it is left out of what is sent,
// the others stay, and HEAD gets the length without the body.
TEST(WireBytes, AHeaderWithALineBreakIsLeftOut) {
  http::Reply reply;
  reply.body = "{}";
  reply.headers = {{"X-Ok", "1"},
                   {"X-Bad", "a\r\nSet-Cookie: stolen=1"},
                   {"X-Bad\nName", "b"},
                   {"X-Also-Ok", "2"}};
  std::string wire = http::wire_bytes(reply, false, true);
  EXPECT_EQ(wire,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Ok: 1\r\nX-Also-Ok: 2\r\n"
            "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(wire.find("stolen"), std::string::npos);
  std::string head = http::wire_bytes(reply, true, false);
  EXPECT_NE(head.find("Content-Length: 2\r\nConnection: Close\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace mvne::testing
