// The real host process: graceful stop on SIGTERM, reload on SIGHUP, request ids in logs.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

std::string config_with(const std::string& enabled) {
  return "[http]\nlisten = 127.0.0.1:0\n[log]\nlevel = debug\nformat = json\n"
         "[storage]\npath = mvne.db\n"
         "[plugins]\ndir = " MVNE_FIXTURE_DIR "\nenabled = " +
         enabled + "\n[plugin.clang_v1]\ngreeting = reloaded\n";
}

// SIGTERM: the request in flight completes, then the host exits 0 with plugins stopped.
TEST(Lifecycle, SigtermFinishesInFlightWorkAndExitsZero) {
  TempDir dir;
  HostProcess host({"--config", dir.write("mvne.conf", config_with("fixture"))});
  ASSERT_TRUE(host.started()) << host.err();
  auto slow = std::async(std::launch::async,
                         [&] { return http_get(host.port(), "/api/fixture/slow?ms=1500"); });
  // Wait until the slow request is inside the host (the /metrics request counts itself).
  ASSERT_TRUE(eventually([&] {
    return http_get(host.port(), "/metrics").body.find("mvne_http_requests_in_flight 2") !=
           std::string::npos;
  }));
  host.signal(SIGTERM);
  auto reply = slow.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "slept 1500");
  EXPECT_EQ(host.wait(30), 0);
  std::string log = host.err();
  EXPECT_NE(log.find("plugin 'fixture' stopped"), std::string::npos) << log;
  EXPECT_LT(log.find("received SIGTERM"), log.find("plugin 'fixture' stopped"));
}

// SIGHUP: plugins enabled in the new file start, removed ones stop, without a restart;
// a broken file is refused and the running configuration kept.
TEST(Lifecycle, SighupEnablesAndDisablesPlugins) {
  TempDir dir;
  std::string conf = dir.write("mvne.conf", config_with("fixture"));
  HostProcess host({"--config", conf});
  ASSERT_TRUE(host.started()) << host.err();
  EXPECT_EQ(http_get(host.port(), "/api/fixture/echo").status, 200);
  EXPECT_EQ(http_get(host.port(), "/api/clang/ping").status, 404);

  dir.write("mvne.conf", config_with("clang_v1"));
  host.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return http_get(host.port(), "/api/clang/ping").status == 200; }));
  EXPECT_EQ(http_get(host.port(), "/api/clang/ping").body,
            "pong from clang, ABI 1.0, greeting=reloaded");
  EXPECT_EQ(http_get(host.port(), "/api/fixture/echo").status, 404);

  dir.write("mvne.conf", "[http]\nlisten = nonsense\n");
  host.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return host.err().find("reload refused") != std::string::npos; }));
  EXPECT_EQ(http_get(host.port(), "/api/clang/ping").status, 200);
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

// SIGHUP with a running plugin's declared key set wrong: the reload is refused naming the key
// and its place, and the plugin keeps running with the configuration it had.
TEST(Lifecycle, SighupWithABadPluginKeyKeepsTheRunningConfiguration) {
  TempDir dir;
  auto conf_with = [&](const std::string& page_size) {
    return dir.write("mvne.conf", "[http]\nlisten = 127.0.0.1:0\n[storage]\npath = mvne.db\n"
                                  "[plugins]\ndir = " MVNE_FIXTURE_DIR
                                  "\nenabled = tally, tally_reader\n[plugin.tally_reader]\n"
                                  "page_size = " +
                                      page_size + "\n");
  };
  HostProcess host({"--config", conf_with("3")});
  ASSERT_TRUE(host.started()) << host.err();
  conf_with("many");
  host.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return host.err().find("reload refused") != std::string::npos; }));
  EXPECT_NE(host.err().find("mvne.conf:9: plugin.tally_reader.page_size: expected an integer"),
            std::string::npos)
      << host.err();
  EXPECT_EQ(http_get(host.port(), "/api/reader/sum").status, 401) << "still served";
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

// Every log line written for a request carries that request's id; numbers are masked.
TEST(Lifecycle, RequestLogLinesCarryTheRequestId) {
  TempDir dir;
  HostProcess host({"--config", dir.write("mvne.conf", config_with("fixture"))});
  ASSERT_TRUE(host.started()) << host.err();
  auto reply = http_get(host.port(), "/api/fixture/echo?name=09012345678");
  std::string id = reply.headers["x-request-id"];
  ASSERT_FALSE(id.empty());
  host.signal(SIGTERM);
  ASSERT_EQ(host.wait(30), 0);
  std::istringstream lines(host.err());
  std::string line;
  int request_lines = 0;
  while (std::getline(lines, line)) {
    auto json = nlohmann::json::parse(line);  // every line is JSON
    if (json.value("request_id", "") != id) continue;
    ++request_lines;
    EXPECT_EQ(json["msg"].get<std::string>().find("09012345678"), std::string::npos);
  }
  EXPECT_EQ(request_lines, 2) << host.err();  // the plugin's line and the access line
  EXPECT_NE(host.err().find("echo for 09*******78"), std::string::npos);
}

}  // namespace
}  // namespace mvne::testing
