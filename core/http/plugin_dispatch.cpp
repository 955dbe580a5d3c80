#include "core/http/plugin_dispatch.h"

#include <Poco/String.h>

#include <set>
#include <string_view>
#include <vector>

#include "core/http/authenticate.h"
#include "core/http/cache_headers.h"
#include "core/log/log.h"
#include "core/platform/services.h"
#include "core/plugin/call_scope.h"
#include "core/plugin/header_policy.h"

namespace mvne::http {
namespace {

mvne_str to_str(const std::string& s) { return mvne_str{s.data(), s.size()}; }

// What the requester itself sent, which its response may repeat: path, query (raw and
// decoded), body and the headers a plugin may read.
egress::Allowance sent_by_requester(const IncomingRequest& request,
                                    const plugin::HttpExchange& exchange,
                                    const std::set<std::string>& read_values) {
  egress::Allowance allowance;
  allowance.read_values = &read_values;
  allowance.sent = {request.path, request.query, request.body};
  for (const auto& [name, value] : exchange.query_params) {
    allowance.sent.push_back(name);
    allowance.sent.push_back(value);
  }
  for (const auto& [name, value] : exchange.headers) allowance.sent.push_back(value);
  return allowance;
}

}  // namespace

Reply dispatch_to_plugin(const plugin::RouteTable& routes, const IncomingRequest& request,
                         platform::Services* services, std::string& route_label,
                         const BeforePlugin& before_plugin) {
  const plugin::Route* route = routes.match(request.method, request.path);
  if (route == nullptr) {
    route_label = "unmatched";
    return Reply::error(404, "not_found", "no route for " + request.method + " " + request.path,
                        request.request_id);
  }
  const plugin::RouteRegistration& reg = route->registration;
  route_label = reg.prefix;
  auth::Principal principal;
  if (reg.access != MVNE_ROUTE_PUBLIC) {
    auto who = authenticate(request, reg.access, route->plugin->name(), services);
    if (!who.ok()) {
      log::write(log::Level::kWarn, "http", request.request_id,
                 "refused " + request.path + ": " + who.status().message());
      if (who.status().code() == Code::kNotFound) {
        return Reply::error(404, "not_found", "no route for " + request.method + " " + request.path,
                            request.request_id);
      }
      if (who.status().code() == Code::kFailedPrecondition) {
        return Reply::error(403, "forbidden", who.status().message(), request.request_id);
      }
      if (who.status().code() != Code::kInvalidArgument) {
        return Reply::error(503, "unavailable", "authentication is unavailable",
                            request.request_id);
      }
      if (reg.access == MVNE_ROUTE_CONSUMER) {
        return Reply::error(401, "unauthenticated",
                            "this route needs a consumer's login session (an API key is not one)",
                            request.request_id);
      }
      return api_key_required(request.request_id);
    }
    principal = std::move(who).value();
  }
  if (before_plugin) {
    if (auto refused = before_plugin(*route)) return *std::move(refused);
  }

  plugin::HttpExchange exchange;
  for (const auto& [name, value] : request.headers) {
    if (!plugin::is_credential_header(name)) exchange.headers.emplace(name, value);
  }
  exchange.query_params = parse_query(request.query);
  exchange.principal_scoped = reg.access != MVNE_ROUTE_PUBLIC;
  mvne_http_request c_request{sizeof(mvne_http_request), to_str(request.method),
                              to_str(request.path),      to_str(request.query),
                              to_str(request.body),      to_str(request.request_id)};
  const auto plugin_called = egress::IdentifierIndex::Clock::now();
  plugin::CallScope scope{plugin::Phase::kRequest, route->plugin.get(), request.request_id};
  scope.http = &exchange;
  scope.principal = principal;
  Status st = route->plugin->call(scope, [&](mvne_context* ctx, void* state) {
    return reg.handler(state, reg.route_data, ctx, &c_request);
  });
  if (!st.ok() && scope.blocked.empty() && st.code() == Code::kNotFound) {
    return Reply::error(404, "not_found", "no such item", request.request_id);
  }
  if (!st.ok() && scope.blocked.empty()) {
    int status = st.code() == Code::kUnavailable ? 503 : 500;
    return Reply::error(status, status == 503 ? "unavailable" : "plugin_error",
                        status == 503 ? "the service is over capacity or stopping; retry later"
                                      : "the plugin failed to answer",
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

  // What the audit log records of this exchange.
  auto audit_entry = [&](const char* action, std::string detail) {
    return audit::Entry{0,
                        0,
                        principal.describe(),
                        route->plugin->name(),
                        action,
                        scope.record_kind_read,
                        scope.rows_read,
                        request.request_id,
                        std::move(detail)};
  };

  // Egress guard: the rows read must have been the principal's, and the headers and body
  // may name no identifier of another principal that the requester did not send itself.
  // A violation withholds the whole response.
  std::string violation = scope.blocked;
  if (violation.empty() && services != nullptr) {
    std::vector<std::string> header_lines;
    header_lines.reserve(reply.headers.size() + 1);
    header_lines.push_back("Content-Type: " + reply.content_type);
    for (const auto& [name, value] : reply.headers) header_lines.push_back(name + ": " + value);
    std::vector<std::string_view> parts(header_lines.begin(), header_lines.end());
    parts.push_back(reply.body);
    egress::Allowance allowance = sent_by_requester(request, exchange, scope.read_values);
    allowance.made_since = plugin_called;
    Status checked = services->guard->check(principal, parts, allowance);
    if (checked.code() == Code::kFailedPrecondition) {
      violation = checked.message();
    } else if (!checked.ok()) {
      log::write(log::Level::kError, "egress", request.request_id,
                 "response withheld, not checked: " + checked.message());
      return Reply::error(503, "unavailable", "the response could not be checked; retry later",
                          request.request_id);
    }
  }
  if (!violation.empty()) {
    std::string incident = "inc-" + request.request_id;
    log::write(log::Level::kError, "egress", request.request_id,
               "blocked the response of plugin '" + route->plugin->name() + "' (incident " +
                   incident + "): " + violation);
    route->plugin->metrics().count_plugin_error(route->plugin->name(), "egress_blocked");
    if (services != nullptr) {
      (void)services->audit->append(audit_entry("egress_blocked", incident + ": " + violation));
    }
    return Reply::error(500, "egress_blocked",
                        "the response was withheld by the egress guard (incident " + incident + ")",
                        request.request_id);
  }

  if (request.path.rfind("/portal/", 0) == 0) {
    // What a browser shows a consumer: only this host's own scripts, styles and images, no
    // framing by another site, no Referer carrying a path away, no sniffing a type.
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (!exchange.principal_scoped) {
    // A public reply may still differ by language or host name: a shared cache asks the
    // host again before reusing it.
    reply.headers.emplace_back("Cache-Control", "no-cache");
  } else {
    mark_personal(reply);
    // Every delivery to a principal is audited (invariant 8): the front end sends the reply
    // once this row is committed, and 503 instead when it is not.
    reply.audit = std::make_shared<const audit::Entry>(
        audit_entry("http_response",
                    request.method + " " + request.path + " -> " + std::to_string(reply.status)));
  }
  return reply;
}

}  // namespace mvne::http
