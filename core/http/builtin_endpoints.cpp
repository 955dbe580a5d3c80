#include "core/http/builtin_endpoints.h"

#include <nlohmann/json.hpp>

#include "core/http/openapi_document.h"
#include "core/plugin/context_table.h"

namespace mvne::http {
namespace {

Reply readiness(const plugin::PluginManager& plugins, bool draining, ReadinessProbe* probe) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& st : plugins.statuses()) {
    nlohmann::json item = {{"name", st.name}, {"state", st.state}};
    if (!st.version.empty()) item["version"] = st.version;
    if (!st.reason.empty()) item["reason"] = st.reason;
    list.push_back(item);
  }
  bool ready = !draining && plugins.all_running();
  nlohmann::json checks = nlohmann::json::array();
  if (probe != nullptr) {
    for (const auto& check : probe->run()) {
      nlohmann::json item = {{"name", check.name}, {"ok", check.ok}};
      if (!check.ok) item["reason"] = check.reason;
      checks.push_back(item);
      ready = ready && check.ok;
    }
  }
  Reply reply;
  reply.status = ready ? 200 : 503;
  reply.body = nlohmann::json{
      {"ready", ready},
      {"draining", draining},
      {"checks", checks},
      {"plugins",
       list}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ensure_retry_after(reply);
  return reply;
}

Reply metrics_text(const metrics::Metrics& metrics, const FrontEndState& state) {
  Reply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.body = metrics.render();
  reply.body +=
      "# HELP mvne_stale_context_uses_total Calls made with a context handle outside its "
      "callback, or on a thread it was not shared with.\n# TYPE mvne_stale_context_uses_total "
      "counter\nmvne_stale_context_uses_total " +
      std::to_string(plugin::ContextTable::instance().stale_uses()) + "\n" +
      "# HELP mvne_context_other_thread_uses_total Calls made with a context handle from a "
      "thread it was not shared with (also counted as stale uses).\n"
      "# TYPE mvne_context_other_thread_uses_total counter\n"
      "mvne_context_other_thread_uses_total " +
      std::to_string(plugin::ContextTable::instance().other_thread_uses()) + "\n" +
      "# HELP mvne_http_requests_in_flight Requests being served, this one included.\n"
      "# TYPE mvne_http_requests_in_flight gauge\nmvne_http_requests_in_flight " +
      std::to_string(state.in_flight) + "\n" +
      "# HELP mvne_http_shed_total Requests and connections answered 503 for want of room "
      "(past http.max_queued waiting requests or http.max_connections).\n"
      "# TYPE mvne_http_shed_total counter\nmvne_http_shed_total " +
      std::to_string(state.shed) + "\n";
  if (state.mail != nullptr) reply.body += state.mail->render_metrics();
  if (state.relay != nullptr) reply.body += state.relay->render_metrics();
  return reply;
}

}  // namespace

bool is_builtin_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/openapi.json";
}

std::optional<Reply> builtin_endpoint(std::string_view path, const plugin::PluginManager& plugins,
                                      const metrics::Metrics& metrics, FrontEndState state) {
  if (path == "/healthz") {
    Reply reply;
    reply.body = R"({"status":"ok"})";
    return reply;
  }
  if (path == "/readyz") return readiness(plugins, state.draining, state.readiness);
  if (path == "/metrics") return metrics_text(metrics, state);
  if (path == "/openapi.json") {
    Reply reply;
    reply.body = std::string(openapi_document());
    return reply;
  }
  return std::nullopt;
}

}  // namespace mvne::http
