#include "core/http/authenticate.h"

#include <algorithm>

#include "core/common/time.h"
#include "core/http/consumer_session.h"
#include "core/http/request_credentials.h"

namespace mvne::http {
namespace {

// `principal` with its tenant's time zone, or kNotFound when `plugin` is not enabled for
// its tenant.
StatusOr<auth::Principal> with_plugin_enabled(auth::Principal principal, const std::string& plugin,
                                              platform::Services* services) {
  auto tenant = services->tenants->tenant(principal.tenant_code);
  if (!tenant.ok()) return tenant.status();
  if (std::find(tenant->plugins.begin(), tenant->plugins.end(), plugin) == tenant->plugins.end()) {
    return Status::NotFound("plugin '" + plugin + "' is not enabled for tenant '" +
                            principal.tenant_code + "'");
  }
  principal.time_zone = tenant->time_zone;
  return principal;
}

}  // namespace

StatusOr<auth::Principal> authenticate(const IncomingRequest& request, int32_t access,
                                       const std::string& plugin, platform::Services* services) {
  if (services == nullptr) {
    return Status::Invalid("this route needs a principal this host cannot authenticate");
  }
  if (access == MVNE_ROUTE_CONSUMER) {
    auto resolved = resolve_consumer(request, services->consumers->sessions(), now_us());
    if (!resolved.ok()) return resolved.status();
    return with_plugin_enabled(std::move(resolved).value().principal, plugin, services);
  }
  auto principal = authenticate_tenant(request, services);
  if (!principal.ok()) return principal.status();
  return with_plugin_enabled(std::move(principal).value(), plugin, services);
}

StatusOr<auth::Principal> authenticate_tenant(const IncomingRequest& request,
                                              platform::Services* services) {
  std::string key = bearer_token(request.header("authorization"));
  if (key.empty()) return Status::Invalid("missing 'Authorization: Bearer <api key>'");
  auto principal = services->keys->authenticate(key, now_us());
  if (!principal.ok() && principal.status().code() != Code::kInternal &&
      principal.status().code() != Code::kUnavailable) {
    return Status::Invalid(principal.status().message());
  }
  return principal;
}

Reply api_key_required(const std::string& request_id) {
  Reply reply =
      Reply::error(401, "unauthenticated", "this route needs a valid API key", request_id);
  reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  return reply;
}

}  // namespace mvne::http
