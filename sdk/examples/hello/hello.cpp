// The smallest useful plugin: a public route that greets, with the greeting read from its
// [plugin.hello] section, a route only tenants reach, and a job that logs a heartbeat.
#include <mvne/plugin.hpp>

#include <cctype>
#include <string>

namespace hello {

class HelloPlugin : public mvne::Plugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    greeting_ = ctx.config("greeting").value_or("Hello");
    mvne::Status st = route(ctx, "GET", "/api/hello", MVNE_ROUTE_PUBLIC,
                            [this](mvne::RequestContext& rc) { return greet(rc); });
    if (!st.ok()) return st;
    // Reached only with a tenant's API key, and only for tenants that enabled "hello".
    st = route(ctx, "GET", "/api/hello/tenant", MVNE_ROUTE_TENANT, [](mvne::RequestContext& rc) {
      rc.set_header("Content-Type", "application/json");
      return rc.write(R"({"message":"Hello, authenticated tenant!"})");
    });
    if (!st.ok()) return st;
    std::string every = ctx.config("heartbeat").value_or("every 1h");
    return job(ctx, "heartbeat", every, [](mvne::Context& c) {
      c.info("still here");
      return mvne::Status::Ok();
    });
  }

 private:
  mvne::Status greet(mvne::RequestContext& rc) const {
    std::string name = rc.query_param("name").value_or("world");
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-')) {
        rc.set_status(400);
        rc.set_header("Content-Type", "application/json");
        return rc.write(
            R"({"error":{"code":"bad_parameter","message":"name: letters, digits, space and - only"}})");
      }
    }
    rc.set_header("Content-Type", "application/json");
    return rc.write("{\"message\":\"" + greeting_ + ", " + name + "!\"}");
  }

  std::string greeting_;
};

}  // namespace hello

// The keys of [plugin.hello], checked by the host (an unknown or mistyped key is refused).
MVNE_PLUGIN_DESCRIBED(hello::HelloPlugin, "hello", "1.0.0",
                      mvne::Description()
                          .key("greeting", MVNE_CONFIG_TEXT, 0, "Hello", "the word of greeting")
                          .key("heartbeat", MVNE_CONFIG_TEXT, 0, "every 1h",
                               "schedule of the heartbeat job"))
