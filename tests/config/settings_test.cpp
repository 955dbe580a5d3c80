#include "core/config/settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mvne::config {
namespace {

StatusOr<Settings> parse(const std::string& text, std::vector<std::string> overrides = {}) {
  return parse_settings(text, "t.conf", "/etc/mvne", overrides);
}

// Defaults hold when the file is empty: loopback, and room for many idle clients.
TEST(Settings, DefaultsAreSafe) {
  auto s = parse("");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->http.address, "127.0.0.1");
  EXPECT_EQ(s->http.port, 8080);
  EXPECT_GE(s->http.max_connections, 1000);
  EXPECT_GE(s->http.max_threads, s->http.min_threads);
  EXPECT_GE(s->http.max_queued, 1);
  EXPECT_EQ(s->log.format, "text");
}

// Typed values are parsed, relative paths resolved against the config's directory.
TEST(Settings, ParsesTypedValues) {
  auto s = parse(
      "[http]\nlisten = 0.0.0.0:9090\nmax_threads = 64\n[plugins]\ndir = lib\n"
      "enabled = voice_cdr, sms\nrequired = sms\n[plugin.sms]\nspool = in\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->http.port, 9090);
  EXPECT_EQ(s->http.max_threads, 64);
  EXPECT_EQ(s->plugins.dirs, (std::vector<std::string>{"/etc/mvne/lib"}));
  EXPECT_EQ(s->plugins.enabled, (std::vector<std::string>{"voice_cdr", "sms"}));
  EXPECT_EQ(s->plugin_sections["sms"]["spool"], "in");
}

// Unknown keys and sections are refused with where they are.
TEST(Settings, RefusesUnknownKeysAndSections) {
  EXPECT_EQ(parse("[http]\nlisten_port = 1\n").status().message(),
            "t.conf:2: unknown key 'listen_port' in section [http]");
  EXPECT_EQ(parse("[htp]\nlisten = 1\n").status().message(), "t.conf:2: unknown section [htp]");
}

// Bad values name the key and the reason.
TEST(Settings, RefusesBadValuesWithReason) {
  EXPECT_EQ(parse("[http]\nmax_threads = many\n").status().message(),
            "t.conf:2: http.max_threads: expected an integer, got 'many'");
  EXPECT_EQ(parse("[http]\nlisten = localhost\n").status().message(),
            "t.conf:2: http.listen: expected address:port, got 'localhost'");
  EXPECT_EQ(parse("[http]\nlisten = 127.0.0.1:70000\n").status().message(),
            "t.conf:2: http.listen: port: must be between 0 and 65535");
  EXPECT_EQ(parse("[log]\nlevel = loud\n").status().message(),
            "t.conf:2: log.level: expected one of trace, debug, info, warn, error, got 'loud'");
  EXPECT_EQ(parse("[plugins]\ndir = x\nenabled = a, a\n").status().message(),
            "t.conf:3: plugins.enabled: plugin 'a' is listed twice");
  EXPECT_EQ(parse("[plugins]\ndir = x\nenabled = a\nrequired = b\n").status().message(),
            "plugins.required: 'b' is not in plugins.enabled");
}

// Per-route body limits and the connection bound are parsed and checked, naming the key.
TEST(Settings, BodyLimitsAndPoolBound) {
  auto s = parse("[http]\nbody_limits = /api/up=16777216, /portal/x=10\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->http.body_limits.at("/api/up"), 16777216);
  EXPECT_EQ(s->http.body_limits.at("/portal/x"), 10);
  EXPECT_EQ(parse("[http]\nbody_limits = api=5\n").status().message(),
            "t.conf:2: http.body_limits: expected /route/prefix=bytes, got 'api=5'");
  EXPECT_EQ(parse("[storage]\npool_size = 9\nmax_connections = 8\n").status().message(),
            "storage.pool_size (9) exceeds storage.max_connections (8)");
}

// --set overrides the file's value and is itself validated.
TEST(Settings, OverridesReplaceFileValues) {
  auto s = parse("[http]\nmax_threads = 64\n", {"http.max_threads=128", "plugin.x.k=v"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->http.max_threads, 128);
  EXPECT_EQ(s->plugin_sections["x"]["k"], "v");
  EXPECT_EQ(parse("", {"http.max_threads=0"}).status().message(),
            "--set http.max_threads=0: http.max_threads: must be between 1 and 16384");
}

// Secrets in plugin sections never reach the printed configuration.
TEST(Settings, RenderHidesSecrets) {
  auto s = parse("[plugin.radius]\nshared_secret = hunter2\napi_password = pw\nport = 1813\n");
  ASSERT_TRUE(s.ok());
  std::string text = render_settings(s.value());
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("= pw"), std::string::npos);
  EXPECT_NE(text.find("port = 1813"), std::string::npos);
  EXPECT_NE(text.find("listen = 127.0.0.1:8080"), std::string::npos);
}

// plugins.dir is a list, searched in order; each entry resolved against the config's directory.
TEST(Settings, PluginDirsAreSearchedInOrder) {
  auto s = parse("[plugins]\ndir = site, /usr/lib/mvne/plugins\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->plugins.dirs, (std::vector<std::string>{"/etc/mvne/site", "/usr/lib/mvne/plugins"}));
}

// nested_routes maps enabled plugins to route prefixes; a malformed or unknown entry is
// refused naming it.
TEST(Settings, NestedRoutesAreValidated) {
  auto s = parse(
      "[plugins]\ndir = x\nenabled = voice, extra\n"
      "nested_routes = extra:/api/v1/voice/extra, extra:/api/v1/voice/more\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->plugins.nested_routes.size(), 2u);
  EXPECT_EQ(s->plugins.nested_routes[0].plugin, "extra");
  EXPECT_EQ(s->plugins.nested_routes[1].prefix, "/api/v1/voice/more");
  const std::string head = "[plugins]\ndir = x\nenabled = extra\nnested_routes = ";
  EXPECT_EQ(parse(head + "extra /api/x\n").status().message(),
            "t.conf:4: plugins.nested_routes: expected plugin:/prefix, got 'extra /api/x'");
  EXPECT_EQ(parse(head + "extra:api\n").status().message(),
            "t.conf:4: plugins.nested_routes: 'extra:api': the prefix must be a path such as "
            "/api/name");
  EXPECT_EQ(parse(head + "Extra:/api/x\n").status().message(),
            "t.conf:4: plugins.nested_routes: plugin name 'Extra' may only use a-z, 0-9 and _");
  EXPECT_EQ(parse(head + "other:/api/x\n").status().message(),
            "plugins.nested_routes: 'other' is not in plugins.enabled");
}

// Every key the host knows is documented in config/mvne.conf, and that file is valid.
TEST(Settings, ShippedConfigDocumentsEveryKey) {
  std::ifstream in(std::string(MVNE_SOURCE_DIR) + "/config/mvne.conf");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& key : known_keys()) {
    std::string name = key.substr(key.find('.') + 1);
    EXPECT_NE(text.str().find(name + " ="), std::string::npos) << key << " is not documented";
  }
  auto s = parse_settings(text.str(), "mvne.conf", MVNE_SOURCE_DIR "/config", {});
  EXPECT_TRUE(s.ok()) << s.status().message();
}

}  // namespace
}  // namespace mvne::config
