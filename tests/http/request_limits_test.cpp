// What the front end does with requests before any plugin sees them: it routes and
// authenticates on the headers, reads a body only for a matched and authenticated route
// within the route's limit, answers odd methods and framing at once, and survives bytes
// that are not UTF-8. Replies are read with a time-out: a hang fails the test.
#include <gtest/gtest.h>

#include <string>

#include "core/common/time.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

class RequestLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(host_.services()
                    .directory->add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"fixture"}})
                    .ok());
    int64_t year = now_us() + int64_t{365} * 86400 * 1000000;
    key_ = host_.services().keys->create("acme", "test", year).value().token;
  }
  // The request line and headers of `method target`, with `extra` header lines.
  static std::string head(const std::string& method, const std::string& target,
                          const std::string& extra = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
  }
  std::string bearer() const { return "Authorization: Bearer " + key_ + "\r\n"; }

  InProcessHost host_{fixture_settings(
      {"fixture"}, {"http.max_body_bytes=1024", "http.body_limits=/api/fixture/scoped=4096"})};
  std::string key_;
};

// A large declared body to an unknown path or without credentials is refused on the
// headers: the reply comes while the body was never sent.
TEST_F(RequestLimitsTest, UnroutedOrUnauthenticatedBodiesAreNeverRead) {
  auto unknown =
      raw_http(host_.port(), head("POST", "/api/nobody", "Content-Length: 16000000\r\n"));
  EXPECT_EQ(unknown.status, 404);
  auto anonymous =
      raw_http(host_.port(), head("POST", "/api/fixture/scoped", "Content-Length: 16000000\r\n"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.headers["connection"], "Close");
}

// An authenticated body over the route's limit is 413 before a byte is read; within it, the
// request is served. The limit is the route's own (body_limits), else max_body_bytes.
TEST_F(RequestLimitsTest, BodiesAreBoundedPerRoute) {
  auto large = raw_http(host_.port(),
                        head("POST", "/api/fixture/scoped", bearer() + "Content-Length: 4097\r\n"));
  EXPECT_EQ(large.status, 413);
  EXPECT_NE(large.body.find("4096 bytes"), std::string::npos) << large.body;
  std::string body(3000, 'x');
  auto fits =
      raw_http(host_.port(),
               head("POST", "/api/fixture/scoped", bearer() + "Content-Length: 3000\r\n") + body);
  EXPECT_EQ(fits.status, 200) << fits.body;
}

// A body that stops arriving is given up after http.body_timeout_ms with 408.
TEST(RequestLimits, StalledBodyTimesOut) {
  InProcessHost host(fixture_settings({"fixture"}, {"http.body_timeout_ms=300"}));
  ASSERT_TRUE(
      host.services().directory->add_tenant({0, "acme", "Acme", "UTC", "/tmp", {"fixture"}}).ok());
  std::string key = host.services().keys->create("acme", "t", now_us() + 86400000000).value().token;
  auto stalled = raw_http(host.port(),
                          "POST /api/fixture/scoped HTTP/1.1\r\nHost: x\r\n"
                          "Authorization: Bearer " +
                              key + "\r\nContent-Length: 100\r\n\r\nonly part");
  EXPECT_EQ(stalled.status, 408);
}

// OPTIONS, TRACE, unknown methods and methods a route does not serve get 405 with Allow at
// once; the built-in endpoints answer GET and HEAD only.
TEST_F(RequestLimitsTest, UnservedMethodsAre405WithAllow) {
  for (const char* method : {"OPTIONS", "TRACE", "FROB", "DELETE"}) {
    auto reply = raw_http(host_.port(), head(method, "/api/fixture/echo"));
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(reply.headers["allow"], "GET") << method;
  }
  auto post = raw_http(host_.port(), head("POST", "/metrics", "Content-Length: 0\r\n"));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET, HEAD");
  EXPECT_EQ(raw_http(host_.port(), head("OPTIONS", "/api/nobody")).status, 404);
}

// A POST without Content-Length or chunked encoding is 411 at once, not read to the end of
// the stream.
TEST_F(RequestLimitsTest, PostWithoutLengthIs411) {
  auto reply = raw_http(host_.port(), head("POST", "/api/fixture/scoped", bearer()));
  EXPECT_EQ(reply.status, 411);
}

// Two Authorization headers are ambiguous: 400, and the plugin is never called.
TEST_F(RequestLimitsTest, TwoAuthorizationHeadersAre400) {
  auto reply = raw_http(host_.port(), head("GET", "/api/fixture/scoped", bearer() + bearer()));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(http_get(host_.port(), "/api/fixture/counts").body.substr(0, 8), "scoped=0");
}

// A path that is not UTF-8 gets a JSON 400, and the request leaves the in-flight count.
TEST_F(RequestLimitsTest, NonUtf8PathIs400AndLeavesNothingInFlight) {
  auto reply = raw_http(host_.port(), head("GET", "/%ff"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find(R"("code":"bad_request")"), std::string::npos) << reply.body;
  auto api = raw_http(host_.port(), head("GET", "/api/%ff%fe"));
  EXPECT_EQ(api.status, 400);
  EXPECT_TRUE(eventually([&] { return host_.front_end().in_flight().load() == 0; }));
}

}  // namespace
}  // namespace mvne::testing
