// A faulty plugin never takes the host down: each misbehaviour fails that one call with a
// logged, counted error, and its well-behaved neighbour keeps serving.
#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

class FaultTest : public ::testing::Test {
 protected:
  FaultTest() : host_(fixture_settings({"fixture", "faulty"})) {}
  InProcessHost host_;
};

// An exception thrown through the C boundary becomes a 500 and an "exception" count.
TEST_F(FaultTest, ThrowingHandlerGives500AndIsCounted) {
  auto reply = http_get(host_.port(), "/api/faulty/throw");
  EXPECT_EQ(reply.status, 500);
  EXPECT_NE(reply.body.find("plugin_error"), std::string::npos);
  EXPECT_EQ(reply.body.find("boom"), std::string::npos) << "internals must not leak";
  EXPECT_EQ(host_.metrics().plugin_errors("faulty", "exception"), 1u);
  EXPECT_EQ(http_get(host_.port(), "/api/fixture/echo?name=ok").status, 200);
}

// An error status becomes a 500 and an "error_status" count.
TEST_F(FaultTest, ErrorStatusGives500AndIsCounted) {
  EXPECT_EQ(http_get(host_.port(), "/api/faulty/error").status, 500);
  EXPECT_EQ(host_.metrics().plugin_errors("faulty", "error_status"), 1u);
}

// A handler answering "not found" or "unavailable" gets 404, or 503 with Retry-After: what
// it has for the request, not a fault (no 500, no error count).
TEST_F(FaultTest, NotFoundAndUnavailableStatusesAreNot500s) {
  auto missing = http_get(host_.port(), "/api/faulty/not_found");
  EXPECT_EQ(missing.status, 404);
  auto busy = http_get(host_.port(), "/api/faulty/unavailable");
  EXPECT_EQ(busy.status, 503);
  EXPECT_TRUE(busy.headers.count("retry-after"));
  EXPECT_EQ(busy.body.find("switch"), std::string::npos) << "internals must not leak";
  EXPECT_EQ(host_.metrics().plugin_errors("faulty", "error_status"), 0u);
}

// A status code outside the ABI's set is counted as garbage.
TEST_F(FaultTest, UndefinedStatusIsCountedAsGarbage) {
  EXPECT_EQ(http_get(host_.port(), "/api/faulty/garbage").status, 500);
  EXPECT_EQ(host_.metrics().plugin_errors("faulty", "bad_status"), 1u);
}

// Invalid status, header injection, framing headers, NULL bytes, wrong-phase and null
// contexts are each refused by the host function, and the response stays well-formed.
TEST_F(FaultTest, GarbageArgumentsAreRefused) {
  auto reply = http_get(host_.port(), "/api/faulty/bad_response");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "status=1 crlf=1 length=3 null=1 phase=5 null_ctx=4");
  EXPECT_EQ(reply.headers.count("x-bad"), 0u);
  EXPECT_EQ(reply.headers.count("set-cookie"), 0u);
}

// The ABI 1.1 functions refuse the wrong phase (raw-line quarantine outside ingest, export
// bytes and export registration outside their callbacks) and periods without a tenant.
TEST_F(FaultTest, Abi11FunctionsRefuseTheWrongPhase) {
  auto reply = http_get(host_.port(), "/api/faulty/abi11");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "quarantine=5 export=5 register=5 period=3 null=1");
}

// A context kept from one request is dead in the next (invariant 2).
TEST_F(FaultTest, KeptContextIsStaleInTheNextRequest) {
  EXPECT_EQ(http_get(host_.port(), "/api/faulty/keep").status, 200);
  auto reply = http_get(host_.port(), "/api/faulty/use_kept");
  EXPECT_EQ(reply.body, "stale=" + std::to_string(MVNE_ERR_STALE_CONTEXT));
  EXPECT_EQ(reply.body.find("kept context"), std::string::npos);
}

// A plugin whose start fails is marked failed; the others run and readiness says why.
TEST(PluginStart, FailedStartDisablesOnlyThatPlugin) {
  InProcessHost host(fixture_settings({"fixture", "start_fails"}));
  EXPECT_TRUE(host.apply_status().ok());
  EXPECT_EQ(http_get(host.port(), "/api/fixture/echo").status, 200);
  auto ready = http_get(host.port(), "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find(R"("name":"start_fails")"), std::string::npos);
  EXPECT_NE(ready.body.find("cannot reach the switch"), std::string::npos) << ready.body;
  auto metrics = http_get(host.port(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(mvne_plugin_state{plugin="start_fails",state="failed"} 1)"),
            std::string::npos);
}

// plugins.required turns a failed start into a failure of the whole apply.
TEST(PluginStart, RequiredPluginFailureIsFatal) {
  InProcessHost host(fixture_settings({"fixture", "abi_major2"}, {"plugins.required=abi_major2"}));
  ASSERT_FALSE(host.apply_status().ok());
  EXPECT_NE(host.apply_status().message().find("abi_major2: "), std::string::npos);
  EXPECT_NE(host.apply_status().message().find("plugin declares ABI 2.0"), std::string::npos);
}

// Two plugins cannot serve the same route; the later one fails, the first keeps it.
TEST(PluginStart, RouteConflictFailsTheLaterPlugin) {
  InProcessHost host(fixture_settings({"fixture", "fixture_twin"}));
  EXPECT_EQ(http_get(host.port(), "/api/fixture/echo").status, 200);
  auto ready = http_get(host.port(), "/readyz").body;
  EXPECT_NE(ready.find("route GET /api/fixture/echo is already served by plugin 'fixture'"),
            std::string::npos)
      << ready;
}

}  // namespace
}  // namespace mvne::testing
