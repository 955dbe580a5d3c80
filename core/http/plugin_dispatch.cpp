#include "core/http/plugin_dispatch.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "core/plugin/call_scope.h"

namespace mvne::http {
namespace {

mvne_str to_str(const std::string& s) { return mvne_str{s.data(), s.size()}; }

std::multimap<std::string, std::string> parse_query(const std::string& query) {
  std::multimap<std::string, std::string> params;
  try {
    Poco::URI uri;
    uri.setRawQuery(query);
    for (auto& [k, v] : uri.getQueryParameters()) params.emplace(k, v);
  } catch (const Poco::Exception&) {
    // A malformed escape leaves the parameter out; the plugin sees it as absent.
  }
  return params;
}

}  // namespace

Reply dispatch_to_plugin(const plugin::RouteTable& routes, const IncomingRequest& request,
                         std::string& route_label) {
  const plugin::Route* route = routes.match(request.method, request.path);
  if (route == nullptr) {
    route_label = "unmatched";
    return Reply::error(404, "not_found", "no route for " + request.method + " " + request.path,
                        request.request_id);
  }
  const plugin::RouteRegistration& reg = route->registration;
  route_label = reg.prefix;
  if (reg.access != MVNE_ROUTE_PUBLIC) {
    // No principal can be authenticated yet, so a scoped route is never reached.
    Reply reply = Reply::error(401, "unauthenticated",
                               "this route needs an authenticated principal", request.request_id);
    reply.headers.emplace_back("WWW-Authenticate", "Bearer");
    return reply;
  }

  plugin::HttpExchange exchange;
  exchange.headers = request.headers;
  exchange.query_params = parse_query(request.query);
  exchange.principal_scoped = reg.access != MVNE_ROUTE_PUBLIC;
  mvne_http_request c_request{sizeof(mvne_http_request), to_str(request.method),
                              to_str(request.path),      to_str(request.query),
                              to_str(request.body),      to_str(request.request_id)};
  plugin::CallScope scope{plugin::Phase::kRequest, route->plugin.get(), request.request_id};
  scope.http = &exchange;
  Status st = route->plugin->call(scope, [&](mvne_context* ctx, void* state) {
    return reg.handler(state, reg.route_data, ctx, &c_request);
  });
  if (!st.ok()) {
    int status = st.code() == Code::kUnavailable ? 503 : 500;
    return Reply::error(status, status == 503 ? "unavailable" : "plugin_error",
                        status == 503 ? "the plugin is stopping" : "the plugin failed to answer",
                        request.request_id);
  }
  Reply reply;
  reply.status = exchange.status;
  reply.content_type = "text/plain; charset=utf-8";
  for (auto& [name, value] : exchange.response_headers) {
    if (Poco::icompare(name, "content-type") == 0) {
      reply.content_type = value;
    } else {
      reply.headers.emplace_back(name, value);
    }
  }
  reply.body = std::move(exchange.body);
  if (exchange.principal_scoped) {
    reply.headers.emplace_back("Cache-Control", "private, no-store");
    reply.headers.emplace_back("Vary", "Authorization, Cookie");
  }
  return reply;
}

}  // namespace mvne::http
