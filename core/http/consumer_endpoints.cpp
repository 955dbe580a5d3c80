#include "core/http/consumer_endpoints.h"

#include <map>
#include <nlohmann/json.hpp>

#include "core/billing/bill_format.h"
#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/http/bill_reply.h"
#include "core/http/cache_headers.h"
#include "core/http/consumer_session.h"
#include "core/http/host_delivery.h"
#include "core/log/log.h"

namespace mvne::http {
namespace {

using json = nlohmann::json;
using Fields = std::map<std::string, std::string>;

constexpr char kLogin[] = "/portal/api/v1/login";
constexpr char kBrowserLogin[] = "/portal/login";
constexpr char kLogout[] = "/portal/api/v1/logout";
constexpr char kLogoutEverywhere[] = "/portal/api/v1/logout-everywhere";
constexpr char kPassword[] = "/portal/api/v1/password";
constexpr char kPasswordReset[] = "/portal/api/v1/password-reset";
constexpr char kMe[] = "/portal/api/v1/me";
constexpr char kBills[] = "/portal/api/v1/bills";
constexpr char kBillSoFar[] = "/portal/api/v1/bills/current";
constexpr char kSpeed[] = "/portal/api/v1/speed";

// The body's fields: a JSON object of strings, or an HTML form (urlencoded).
StatusOr<Fields> fields_of(const IncomingRequest& request) {
  Fields out;
  // A body that starts with '{' is JSON whatever its Content-Type (curl -d sends JSON
  // labelled as a form).
  size_t first = request.body.find_first_not_of(" \t\r\n");
  bool json_body = first != std::string::npos && request.body[first] == '{';
  std::string type = request.header("content-type");
  if (!json_body && type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    std::string raw = request.body;
    for (char& c : raw) c = c == '+' ? ' ' : c;  // a form's spaces
    for (auto& [k, v] : parse_query(raw)) out[k] = v;
    return out;
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::Invalid("the body must be a JSON object (or an urlencoded form)");
  }
  for (const auto& [k, v] : body.items()) {
    if (!v.is_string()) return Status::Invalid("field '" + k + "' must be a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

StatusOr<std::string> required(const Fields& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty()) {
    return Status::Invalid(std::string("field '") + name + "' is required");
  }
  return it->second;
}

// Consumer answers are never stored by a shared cache.
Reply private_json(int status, const json& body) {
  Reply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  mark_personal(reply);
  return reply;
}

Reply refusal(const IncomingRequest& request, const Status& st) {
  switch (st.code()) {
    case Code::kInvalidArgument:
      return Reply::error(400, "bad_request", st.message(), request.request_id);
    case Code::kFailedPrecondition:
      return Reply::error(403, "forbidden", st.message(), request.request_id);
    case Code::kNotFound:
      return Reply::error(404, "not_found", st.message(), request.request_id);
    default:
      log::write(log::Level::kError, "portal", request.request_id, st.message());
      return Reply::error(503, "unavailable", "the service is busy; retry later",
                          request.request_id);
  }
}

bool secure_cookie(const IncomingRequest& request, const config::PortalSettings& portal) {
  if (portal.secure_cookies == "always") return true;
  if (portal.secure_cookies == "never") return false;
  return request.secure;
}

std::string session_cookie(const std::string& name, const std::string& value, int64_t max_age_s,
                           bool secure) {
  return name + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (secure ? "; Secure" : "");
}

Status audit(const ConsumerEndpoints& with, const auth::Principal& who, const char* action,
             const IncomingRequest& request, std::string detail = {}) {
  return with.services->audit->append(
      {0, 0, who.describe(), "", action, "", 1, request.request_id, std::move(detail)});
}

Reply login(const IncomingRequest& request, const ConsumerEndpoints& with, auth::SessionKind kind) {
  bool browser = kind == auth::SessionKind::kBrowser;
  if (Status st = check_same_site(request); browser && !st.ok()) return refusal(request, st);
  auto fields = fields_of(request);
  if (!fields.ok()) return refusal(request, fields.status());
  auth::LoginAttempt attempt;
  for (auto [name, field] :
       {std::pair{"tenant", &attempt.tenant}, std::pair{"account", &attempt.account},
        std::pair{"password", &attempt.password}}) {
    auto value = required(*fields, name);
    if (!value.ok()) return refusal(request, value.status());
    *field = *value;
  }
  attempt.client = request.client_address;
  attempt.kind = kind;
  std::string who =
      "tenant " + attempt.tenant + " account " + attempt.account + " from " + attempt.client;
  auto result = with.services->consumers->login(attempt, now_us());
  if (!result.ok()) {
    with.metrics->count_login("unavailable");
    return refusal(request, result.status());
  }
  using Outcome = auth::LoginResult::Outcome;
  if (result->outcome == Outcome::kThrottled || result->outcome == Outcome::kLocked) {
    bool locked = result->outcome == Outcome::kLocked;
    with.metrics->count_login(locked ? "locked" : "throttled");
    log::write(log::Level::kWarn, "portal", request.request_id,
               std::string("login refused (") + (locked ? "locked" : "backing off") + "): " + who);
    Reply reply = Reply::error(
        429, locked ? "account_locked" : "too_many_attempts",
        locked ? "too many failed logins: this account is locked for a while; try again later "
                 "or ask your provider to unlock it"
               : "too many failed logins; wait before trying again",
        request.request_id);
    reply.headers.emplace_back("Retry-After", std::to_string(result->retry_after_s));
    return reply;
  }
  if (result->outcome == Outcome::kRefused) {
    with.metrics->count_login("failed");
    log::write(log::Level::kWarn, "portal", request.request_id,
               "login failed: " + who + (result->locked_now ? " (account now locked)" : ""));
    return Reply::error(401, "login_failed", "the account or the password is not right",
                        request.request_id);
  }
  with.metrics->count_login("ok");
  const auth::NewSession& session = result->session;
  auth::Principal principal;
  principal.kind = auth::Principal::Kind::kConsumer;
  principal.tenant_code = result->account.tenant_code;
  principal.account_id = result->account.account_id;
  if (Status st = audit(with, principal, "consumer_login", request, browser ? "browser" : "app");
      !st.ok()) {
    (void)with.services->consumers->sessions().end(session.token, now_us());
    return refusal(request, Status::Unavailable("login not audited: " + st.message()));
  }
  json body = {{"account_id", result->account.account_id},
               {"expires_at", format_time_us(session.expires_at)},
               {"idle_timeout_s", session.idle_s}};
  if (!browser) {
    body["token"] = session.token;
    body["token_type"] = "Bearer";
    return private_json(200, body);
  }
  body["csrf_token"] = session.csrf_token;
  Reply reply = private_json(200, body);
  bool secure = secure_cookie(request, *with.portal);
  reply.headers.emplace_back("Set-Cookie",
                             session_cookie(session_cookie_name(secure), session.token,
                                            (session.expires_at - now_us()) / 1000000, secure));
  return reply;
}

// The caller's session, or the reply that refuses the request.
StatusOr<auth::ConsumerSessions::Resolved> caller(const IncomingRequest& request,
                                                  const ConsumerEndpoints& with) {
  return resolve_consumer(request, with.services->consumers->sessions(), now_us());
}

Reply unauthenticated(const IncomingRequest& request, const Status& st) {
  if (st.code() == Code::kInvalidArgument) {
    log::write(log::Level::kInfo, "portal", request.request_id, "no session: " + st.message());
    return Reply::error(401, "unauthenticated", "log in first", request.request_id);
  }
  return refusal(request, st);
}

Reply logout(const IncomingRequest& request, const ConsumerEndpoints& with, bool everywhere) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  auto& sessions = with.services->consumers->sessions();
  int64_t ended = 1;
  if (everywhere) {
    auto n = sessions.end_all(who->principal.subscriber_id, now_us());
    if (!n.ok()) return refusal(request, n.status());
    ended = *n;
  } else if (Status st = sessions.end(presented_session(request).token, now_us()); !st.ok()) {
    return refusal(request, st);
  }
  (void)audit(with, who->principal, everywhere ? "consumer_logout_everywhere" : "consumer_logout",
              request, std::to_string(ended) + " session(s)");
  Reply reply = private_json(200, {{"sessions_ended", ended}});
  if (presented_session(request).from_cookie) {
    bool secure = secure_cookie(request, *with.portal);
    reply.headers.emplace_back("Set-Cookie",
                               session_cookie(session_cookie_name(secure), "", 0, secure));
  }
  return reply;
}

Reply change_password(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  auto fields = fields_of(request);
  if (!fields.ok()) return refusal(request, fields.status());
  auto current = required(*fields, "current_password");
  auto replacement = required(*fields, "new_password");
  if (!current.ok()) return refusal(request, current.status());
  if (!replacement.ok()) return refusal(request, replacement.status());
  const auth::Principal& p = who->principal;
  auth::Account account{p.tenant_id, p.subscriber_id, p.tenant_code, p.account_id};
  Status st = with.services->consumers->change_password(account, *current, *replacement,
                                                        who->session_id, now_us());
  if (!st.ok()) return refusal(request, st);
  (void)audit(with, p, "consumer_password_change", request);
  return private_json(200, {{"changed", true}, {"other_sessions_ended", true}});
}

Reply finish_reset(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto fields = fields_of(request);
  if (!fields.ok()) return refusal(request, fields.status());
  auto token = required(*fields, "token");
  auto password = required(*fields, "new_password");
  if (!token.ok()) return refusal(request, token.status());
  if (!password.ok()) return refusal(request, password.status());
  auto account = with.services->consumers->finish_reset(*token, *password, now_us());
  if (!account.ok()) return refusal(request, account.status());
  auth::Principal p;
  p.kind = auth::Principal::Kind::kConsumer;
  p.tenant_code = account->tenant_code;
  p.account_id = account->account_id;
  (void)audit(with, p, "consumer_password_reset", request);
  return private_json(200, {{"changed", true}, {"log_in_again", true}});
}

// "+819012345678" -> "090****5678": what the app shows of a number (national form, masked).
std::string masked_number(const std::string& e164, const tenancy::NumberingPlan& plan) {
  std::string digits = e164.rfind('+', 0) == 0 ? e164.substr(1) : e164;
  if (digits.rfind(plan.country_code, 0) == 0) {
    digits = plan.national_prefix + digits.substr(plan.country_code.size());
  }
  if (digits.size() < 8) return std::string(digits.size(), '*');
  return digits.substr(0, 3) + std::string(digits.size() - 7, '*') +
         digits.substr(digits.size() - 4);
}

Reply me(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  const auth::Principal& p = who->principal;
  auto& directory = *with.services->directory;
  auto subscriber = directory.subscriber(p.subscriber_id);
  if (!subscriber.ok()) return refusal(request, subscriber.status());
  auto lines = directory.assignments_of_subscriber(p.subscriber_id);
  if (!lines.ok()) return refusal(request, lines.status());
  auto tenant = with.services->tenants->tenant(p.tenant_code);
  if (!tenant.ok()) return refusal(request, tenant.status());
  // Times as the consumer's MVNO keeps its calendar: 2026-01-01T00:00:00+09:00.
  auto local = [&](int64_t us) {
    auto offset = utc_offset_at(tenant->time_zone, us);
    return format_time_us(us, offset.ok() ? offset.value() : 0);
  };
  json out_lines = json::array();
  for (const auto& line : lines.value()) {
    if (line.id_kind != "msisdn") continue;
    json item = {{"number", masked_number(line.identifier, directory.numbering())},
                 {"plan", line.plan_code},
                 {"from", local(line.valid_from)}};
    item["to"] = line.valid_to == kForever ? json(nullptr) : json(local(line.valid_to));
    out_lines.push_back(item);
  }
  json body = {{"tenant", p.tenant_code},
               {"account_id", subscriber->account_id},
               {"service_code", subscriber->service_code},
               {"plan", subscriber->plan_code},
               {"time_zone", tenant->time_zone},
               {"lines", out_lines}};
  // A page opened in a new tab learns its session's CSRF token here; only a page of this
  // origin can read it (no CORS), and a bearer client needs none.
  if (PresentedSession presented = presented_session(request); presented.from_cookie)
    body["csrf_token"] = auth::ConsumerSessions::csrf_for(presented.token);
  Reply reply;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return deliver(request, with.services, p, std::move(reply));
}

Reply bills(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  auto bills = with.services->bills->of_subscriber(who->principal.subscriber_id);
  if (!bills.ok()) return refusal(request, bills.status());
  // ?month=YYYY-MM: that month's bill only.
  std::string month = request.param("month");
  std::vector<billing::Bill> chosen;
  for (const auto& b : bills.value())
    if (month.empty() || b.period == month) chosen.push_back(b);
  Reply reply = bill_reply(request, chosen, month);
  return deliver(request, with.services, who->principal, std::move(reply),
                 static_cast<int64_t>(chosen.size()));
}

// This month's charges so far: the bill as it would be closed now, marked as an estimate.
Reply bill_so_far(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  auto bill = with.services->bills->so_far(who->principal.subscriber_id, now_us());
  if (!bill.ok()) return refusal(request, bill.status());
  auto body = billing::bill_json(bill.value(), true);
  body.erase("closed");
  body["as_of"] = format_time_us(bill->closed_at);
  body["estimate"] = true;
  Reply reply;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return deliver(request, with.services, who->principal, std::move(reply), 1);
}

json speed_json(const tenancy::SpeedState& state) {
  return {
      {"high_speed", state.high_speed},
      {"changed_at", state.changed_at ? json(format_time_us(state.changed_at)) : json(nullptr)}};
}

// GET: the switch; POST {"high_speed": "on"|"off"}: sets it (a cookie needs the CSRF token).
Reply speed(const IncomingRequest& request, const ConsumerEndpoints& with) {
  auto who = caller(request, with);
  if (!who.ok()) return unauthenticated(request, who.status());
  const auth::Principal& p = who->principal;
  auto& speed = *with.services->speed;
  StatusOr<tenancy::SpeedState> state = Status::Internal("not read");
  if (request.method == "GET") {
    state = speed.state(p.subscriber_id);
  } else {
    auto fields = fields_of(request);
    if (!fields.ok()) return refusal(request, fields.status());
    auto value = required(*fields, "high_speed");
    if (!value.ok()) return refusal(request, value.status());
    if (*value != "on" && *value != "off") {
      return refusal(request, Status::Invalid("field 'high_speed' must be \"on\" or \"off\""));
    }
    state = speed.set(p.tenant_id, p.subscriber_id, *value == "on", p.describe(), now_us());
    if (state.ok()) (void)audit(with, p, "speed_change", request, "high_speed " + *value);
  }
  if (!state.ok()) return refusal(request, state.status());
  Reply reply;
  reply.body = speed_json(*state).dump();
  return deliver(request, with.services, p, std::move(reply));
}

}  // namespace

const char* consumer_endpoint_method(std::string_view path) {
  for (const char* post :
       {kLogin, kBrowserLogin, kLogout, kLogoutEverywhere, kPassword, kPasswordReset}) {
    if (path == post) return "POST";
  }
  if (path == kSpeed) return "GET, POST";
  return path == kMe || path == kBills || path == kBillSoFar ? "GET" : nullptr;
}

Reply consumer_endpoint(const IncomingRequest& request, const ConsumerEndpoints& with) {
  const std::string& path = request.path;
  if (path == kLogin) return login(request, with, auth::SessionKind::kApp);
  if (path == kBrowserLogin) return login(request, with, auth::SessionKind::kBrowser);
  if (path == kLogout) return logout(request, with, false);
  if (path == kLogoutEverywhere) return logout(request, with, true);
  if (path == kPassword) return change_password(request, with);
  if (path == kPasswordReset) return finish_reset(request, with);
  if (path == kBills) return bills(request, with);
  if (path == kBillSoFar) return bill_so_far(request, with);
  if (path == kSpeed) return speed(request, with);
  return me(request, with);
}

}  // namespace mvne::http
