// docs/openapi.json, served at /openapi.json, describes what the host answers: every route the
// built-in plugins register is in it, and every operation in it answers with a status it
// lists and, for JSON, with the properties its schema requires.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/time.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

using nlohmann::json;

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *host_.services().directory;
    ASSERT_TRUE(dir.add_tenant({0,
                                "acme",
                                "Acme",
                                "Asia/Tokyo",
                                spool_.path(),
                                {"hello", "voice_cdr", "sms", "data_sessions"}})
                    .ok());
    ASSERT_TRUE(dir.add_plan({0, "acme", "basic", "Basic", 0, 20, 1, 3, 0, ""}).ok());
    ASSERT_TRUE(dir.add_subscriber({0, "acme", "u1", "svc", "basic", "u1@acme.example"}).ok());
    ASSERT_TRUE(dir.assign({"acme", "u1", "", "090-1111-0001", "", "",
                            parse_time_us("2026-01-01").value(), kForever})
                    .ok());
    auto& consumers = *host_.services().consumers;
    ASSERT_TRUE(
        consumers.set_password(consumers.find("acme", "u1").value(), "password 1", now_us()).ok());
    key_ = host_.services().keys->create("acme", "t", now_us() + 86400000000LL)->token;
    auto login = http_post(host_.port(), "/portal/api/v1/login",
                           R"({"tenant":"acme","account":"u1","password":"password 1"})");
    ASSERT_EQ(login.status, 200) << login.body;
    session_ = json::parse(login.body)["token"];
    doc_ = json::parse(read_file(MVNE_SOURCE_DIR "/docs/openapi.json"));
  }
  // `node` with a {"$ref": "#/components/..."} followed.
  const json& resolve(const json& node) const {
    if (!node.contains("$ref")) return node;
    std::string ref = node["$ref"].get<std::string>().substr(2);  // "components/x/y"
    const json* at = &doc_;
    for (size_t pos = 0; pos != std::string::npos;) {
      size_t slash = ref.find('/', pos);
      at = &(*at)[ref.substr(pos, slash == std::string::npos ? slash : slash - pos)];
      pos = slash == std::string::npos ? slash : slash + 1;
    }
    return *at;
  }
  // The bearer token an operation's security asks for ("" for none).
  std::string credential(const json& operation) const {
    if (!operation.contains("security")) return "";
    for (const auto& scheme : operation["security"]) {
      if (scheme.contains("apiKey")) return key_;
      if (scheme.contains("session")) return session_;
    }
    return "";
  }

  TempDir spool_;
  InProcessHost host_{fixture_settings(
      {"hello", "voice_cdr", "sms", "data_sessions", "portal"},
      {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
       "plugin.voice_cdr.spool_dir=" + spool_.path() + "/voice",
       "plugin.sms.spool_dir=" + spool_.path() + "/sms", "plugin.data_sessions.listen=127.0.0.1:0",
       "plugin.data_sessions.client_secrets=127.0.0.1=testing123", "portal.hash_memory_kib=256",
       "portal.hash_passes=1"})};
  std::string key_, session_;
  json doc_;
};

TEST_F(OpenApiTest, TheHostServesTheDocumentInDocs) {
  auto served = http_get(host_.port(), "/openapi.json");
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(json::parse(served.body), doc_);
  EXPECT_EQ(doc_["openapi"], "3.0.3");
}

TEST_F(OpenApiTest, EveryPluginRouteIsDescribed) {
  ASSERT_TRUE(host_.apply_status().ok()) << host_.apply_status().message();
  size_t routes = 0;
  for (const auto& route : host_.plugins().routes()->routes()) {
    std::string method = route.registration.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(doc_["paths"].contains(route.registration.prefix) &&
                doc_["paths"][route.registration.prefix].contains(method))
        << route.registration.method << " " << route.registration.prefix << " of "
        << route.plugin->name() << " is not in docs/openapi.json";
    ++routes;
  }
  EXPECT_EQ(routes, 14u) << "hello 2, voice_cdr 3, sms 3, data_sessions 5, portal 1";
}

// GETs with their credentials and required parameters; POSTs with an empty object and no
// credentials (nothing changes): each answer is one the document lists.
TEST_F(OpenApiTest, EveryOperationAnswersAsDescribed) {
  size_t checked = 0;
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      SCOPED_TRACE(method + " " + path);
      HttpResult r;
      if (method == "get") {
        std::string query;
        for (const auto& p : operation.value("parameters", json::array())) {
          const json& param = resolve(p);
          if (param.value("required", false)) {
            query += (query.empty() ? "?" : "&") + param["name"].get<std::string>() + "=" +
                     param["example"].get<std::string>();
          }
        }
        std::string token = credential(operation);
        std::map<std::string, std::string> headers;
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        r = http_get(host_.port(), path + query, headers);
      } else {
        r = http_request(host_.port(), "POST", path, "{}");
      }
      std::string status = std::to_string(r.status);
      ASSERT_TRUE(operation["responses"].contains(status)) << status << ": " << r.body;
      const json& response = resolve(operation["responses"][status]);
      if (response.contains("content") && response["content"].contains("application/json") &&
          response["content"]["application/json"].contains("schema")) {
        const json& schema = resolve(response["content"]["application/json"]["schema"]);
        json body = json::parse(r.body, nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << r.body;
        for (const auto& property : schema.value("required", json::array())) {
          EXPECT_TRUE(body.contains(property.get<std::string>())) << property << " in " << r.body;
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 31u);
}

}  // namespace
}  // namespace mvne::testing
