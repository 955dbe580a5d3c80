#include "core/http/tenant_endpoints.h"

#include <nlohmann/json.hpp>

#include "core/common/time.h"
#include "core/http/authenticate.h"
#include "core/http/bill_reply.h"
#include "core/http/host_delivery.h"
#include "core/log/log.h"

namespace mvne::http {
namespace {

constexpr char kBills[] = "/api/v1/bills";
constexpr char kSpeedChanges[] = "/api/v1/speed/changes";

Reply bills(const IncomingRequest& request, platform::Services* services,
            const auth::Principal& tenant) {
  std::string month = request.param("month");
  bool valid = month.size() == 7 && month[4] == '-' &&
               month.find_first_not_of("0123456789", 5) == std::string::npos &&
               month.find_first_not_of("0123456789") == 4 && month.substr(5) >= "01" &&
               month.substr(5) <= "12";
  if (!valid) {
    return Reply::error(400, "bad_parameter", "month: required, YYYY-MM", request.request_id);
  }
  auto bills = services->bills->of_tenant(tenant.tenant_code, month);
  if (!bills.ok()) {
    return Reply::error(503, "unavailable", "bills cannot be read now; retry later",
                        request.request_id);
  }
  Reply reply = bill_reply(request, bills.value(), month);
  return deliver(request, services, tenant, std::move(reply), static_cast<int64_t>(bills->size()));
}

// The tenant's speed switch changes after the cursor `after` (0: from the first), oldest
// first; `next_after` is the cursor for the next poll.
Reply speed_changes(const IncomingRequest& request, platform::Services* services,
                    const auth::Principal& tenant) {
  int64_t after = 0;
  int limit = 100;
  try {
    std::string a = request.param("after"), l = request.param("limit");
    size_t used = 0;
    if (!a.empty()) after = std::stoll(a, &used);
    if (!a.empty() && (used != a.size() || after < 0)) throw std::invalid_argument(a);
    if (!l.empty()) limit = std::stoi(l, &used);
    if (!l.empty() && (used != l.size() || limit < 1 || limit > 1000)) {
      throw std::invalid_argument(l);
    }
  } catch (const std::exception&) {
    return Reply::error(400, "bad_parameter",
                        "after: a cursor from next_after (0 or more); limit: 1 to 1000",
                        request.request_id);
  }
  auto changes = services->speed->changes(tenant.tenant_id, after, limit);
  if (!changes.ok()) {
    return Reply::error(503, "unavailable", "changes cannot be read now; retry later",
                        request.request_id);
  }
  auto list = nlohmann::ordered_json::array();
  for (const auto& c : changes.value()) {
    list.push_back({{"id", c.id},
                    {"account", c.account_id},
                    {"high_speed", c.high_speed},
                    {"changed_at", format_time_us(c.changed_at)}});
    after = c.id;
  }
  Reply reply;
  reply.body = nlohmann::ordered_json{{"changes", list}, {"next_after", after}}.dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return deliver(request, services, tenant, std::move(reply),
                 static_cast<int64_t>(changes->size()));
}

}  // namespace

const char* tenant_endpoint_method(std::string_view path) {
  return path == kBills || path == kSpeedChanges ? "GET" : nullptr;
}

Reply tenant_endpoint(const IncomingRequest& request, platform::Services* services) {
  auto tenant = authenticate_tenant(request, services);
  if (!tenant.ok()) {
    if (tenant.status().code() != Code::kInvalidArgument) {
      return Reply::error(503, "unavailable", "authentication is unavailable", request.request_id);
    }
    log::write(log::Level::kWarn, "http", request.request_id,
               "refused " + request.path + ": " + tenant.status().message());
    return api_key_required(request.request_id);
  }
  if (request.path == kSpeedChanges) return speed_changes(request, services, tenant.value());
  return bills(request, services, tenant.value());
}

}  // namespace mvne::http
