#include "core/http/authenticate.h"

#include <algorithm>

#include "core/common/time.h"
#include "core/http/consumer_session.h"

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
  auto header = request.headers.find("authorization");
  const std::string bearer = "Bearer ";
  if (header == request.headers.end() || header->second.rfind(bearer, 0) != 0) {
    return Status::Invalid("missing 'Authorization: Bearer <api key>'");
  }
  auto principal = services->keys->authenticate(header->second.substr(bearer.size()), now_us());
  if (!principal.ok()) {
    if (principal.status().code() == Code::kInternal ||
        principal.status().code() == Code::kUnavailable) {
      return principal.status();
    }
    return Status::Invalid(principal.status().message());
  }
  return with_plugin_enabled(std::move(principal).value(), plugin, services);
}

}  // namespace mvne::http
