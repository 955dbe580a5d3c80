#include "core/plugin/host_api.h"

#include <cctype>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/jobs/schedule.h"
#include "core/log/log.h"
#include "core/plugin/context_table.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {
namespace {

constexpr size_t kMaxString = size_t{64} << 20;

// A string from a plugin: NULL data is only allowed with length 0.
bool valid(mvne_str s) { return (s.data != nullptr || s.len == 0) && s.len <= kMaxString; }
std::string_view view(mvne_str s) { return s.len == 0 ? std::string_view() : std::string_view(s.data, s.len); }

template <typename Spec>
bool spec_ok(const Spec* spec, size_t v1_size) {
  return spec != nullptr && spec->struct_size >= v1_size;
}

// Runs `fn` on the live scope of `ctx`; catches everything (no exception leaves the host).
template <typename Fn>
mvne_status with_scope(mvne_context* ctx, Fn&& fn) noexcept {
  try {
    return ContextTable::instance().with(ctx, std::forward<Fn>(fn));
  } catch (...) {
    return MVNE_ERR_INTERNAL;
  }
}

mvne_status refuse(CallScope& scope, mvne_status code, const std::string& why) {
  log::write(log::Level::kWarn, "plugin:" + scope.plugin->name(), scope.request_id,
             std::string("host call refused in ") + phase_name(scope.phase) + ": " + why);
  return code;
}

mvne_status require_phase(CallScope& scope, Phase phase, const char* function) {
  if (scope.phase == phase) return MVNE_OK;
  return refuse(scope, MVNE_ERR_WRONG_PHASE,
                std::string(function) + " is only allowed in " + phase_name(phase));
}

// Hands a string to the plugin that stays valid until the callback returns.
mvne_str hand_out(CallScope& scope, std::string value) {
  const std::string& kept = scope.returned.emplace_back(std::move(value));
  return mvne_str{kept.data(), kept.size()};
}

void set_error(mvne_context* ctx, mvne_str message) {
  with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(message)) return MVNE_ERR_INVALID_ARGUMENT;
    scope.error.assign(view(message).substr(0, 4096));
    return MVNE_OK;
  });
}

void log_message(mvne_context* ctx, int32_t level, mvne_str message) {
  with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(message) || level < MVNE_LOG_TRACE || level > MVNE_LOG_ERROR) {
      return MVNE_ERR_INVALID_ARGUMENT;
    }
    log::write(static_cast<log::Level>(level), "plugin:" + scope.plugin->name(),
               scope.request_id, view(message));
    return MVNE_OK;
  });
}

mvne_status config_get(mvne_context* ctx, mvne_str key, mvne_str* out) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(key) || out == nullptr) return MVNE_ERR_INVALID_ARGUMENT;
    const auto& section = scope.plugin->config();
    auto it = section.find(std::string(view(key)));
    if (it == section.end()) return MVNE_ERR_NOT_FOUND;
    *out = mvne_str{it->second.data(), it->second.size()};  // lives as long as the plugin
    return MVNE_OK;
  });
}

mvne_status register_route(mvne_context* ctx, const mvne_route_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_route")) return st;
    if (!spec_ok(spec, offsetof(mvne_route_spec, route_data) + sizeof(void*)) ||
        !valid(spec->method) || !valid(spec->path_prefix) || spec->handler == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_route: malformed spec");
    }
    std::string prefix(view(spec->path_prefix));
    bool under_api = prefix.rfind("/api/", 0) == 0 || prefix.rfind("/portal/", 0) == 0;
    if (!under_api || prefix.find("..") != std::string::npos ||
        prefix.find_first_of("?# \r\n") != std::string::npos) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "register_route: prefix '" + prefix + "' must start with /api/ or /portal/");
    }
    if (spec->access < MVNE_ROUTE_PUBLIC || spec->access > MVNE_ROUTE_CONSUMER) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "register_route: unknown access " + std::to_string(spec->access));
    }
    std::string method(view(spec->method));
    if (method.empty()) method = "*";
    scope.registrations->routes.push_back(
        {method, prefix, spec->access, spec->handler, spec->route_data});
    return MVNE_OK;
  });
}

mvne_status register_job(mvne_context* ctx, const mvne_job_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_job")) return st;
    if (!spec_ok(spec, offsetof(mvne_job_spec, job_data) + sizeof(void*)) ||
        !valid(spec->name) || !valid(spec->schedule) || spec->handler == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_job: malformed spec");
    }
    auto schedule = jobs::Schedule::parse(std::string(view(spec->schedule)));
    if (!schedule.ok()) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, schedule.status().message());
    }
    scope.registrations->jobs.push_back({std::string(view(spec->name)),
                                         std::string(view(spec->schedule)), spec->handler,
                                         spec->job_data});
    return MVNE_OK;
  });
}

// Services whose host side arrives with the data kernel: the ABI carries them already,
// and this host answers that it does not offer them yet.
mvne_status not_offered(mvne_context* ctx, const char* function) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    return refuse(scope, MVNE_ERR_UNAVAILABLE,
                  std::string(function) + " is not offered by this host version");
  });
}

mvne_status register_spool(mvne_context* ctx, const mvne_spool_spec*) {
  return not_offered(ctx, "register_spool");
}
mvne_status register_datagram_listener(mvne_context* ctx, const mvne_datagram_spec*) {
  return not_offered(ctx, "register_datagram_listener");
}
mvne_status declare_record_kind(mvne_context* ctx, const mvne_record_kind_spec*) {
  return not_offered(ctx, "declare_record_kind");
}
mvne_status datagram_reply(mvne_context* ctx, mvne_str) {
  return not_offered(ctx, "datagram_reply");
}
mvne_status submit_records(mvne_context* ctx, mvne_str, const mvne_record*, size_t) {
  return not_offered(ctx, "submit_records");
}
mvne_status query_open(mvne_context* ctx, const mvne_query*, mvne_cursor** out) {
  if (out != nullptr) *out = nullptr;
  return not_offered(ctx, "query_open");
}
mvne_status cursor_next(mvne_context* ctx, mvne_cursor*, mvne_record*, int32_t* has_row) {
  if (has_row != nullptr) *has_row = 0;
  return not_offered(ctx, "cursor_next");
}
mvne_status cursor_token(mvne_context* ctx, mvne_cursor*, mvne_str*) {
  return not_offered(ctx, "cursor_token");
}
void cursor_close(mvne_context*, mvne_cursor*) {}
mvne_status kv_get(mvne_context* ctx, mvne_str, mvne_str*) { return not_offered(ctx, "kv_get"); }
mvne_status kv_put(mvne_context* ctx, mvne_str, mvne_str) { return not_offered(ctx, "kv_put"); }

mvne_status lookup(mvne_context* ctx, mvne_str name, mvne_str* out, const char* function,
                   std::multimap<std::string, std::string> HttpExchange::*map, bool lower) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kRequest, function)) return st;
    if (!valid(name) || out == nullptr) return MVNE_ERR_INVALID_ARGUMENT;
    std::string key(view(name));
    if (lower) {
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto& values = scope.http->*map;
    auto it = values.find(key);
    if (it == values.end()) return MVNE_ERR_NOT_FOUND;
    *out = hand_out(scope, it->second);
    return MVNE_OK;
  });
}

mvne_status request_header(mvne_context* ctx, mvne_str name, mvne_str* out) {
  return lookup(ctx, name, out, "request_header", &HttpExchange::headers, true);
}
mvne_status request_query_param(mvne_context* ctx, mvne_str name, mvne_str* out) {
  return lookup(ctx, name, out, "request_query_param", &HttpExchange::query_params, false);
}

mvne_status response_set_status(mvne_context* ctx, int32_t status) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kRequest, "response_set_status")) return st;
    if (status < 100 || status > 599) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "response_set_status: " + std::to_string(status) + " is not an HTTP status");
    }
    scope.http->status = status;
    return MVNE_OK;
  });
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

mvne_status response_set_header(mvne_context* ctx, mvne_str name, mvne_str value) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kRequest, "response_set_header")) return st;
    if (!valid(name) || !valid(value) || !is_token(view(name)) ||
        view(value).find_first_of("\r\n") != std::string_view::npos) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "response_set_header: malformed header");
    }
    std::string key = lower(view(name));
    // The host owns framing, and the cache headers of principal-scoped responses.
    bool framing = key == "content-length" || key == "transfer-encoding" ||
                   key == "connection" || key == "x-request-id";
    bool caching = key == "cache-control" || key == "vary" || key == "expires" ||
                   key == "pragma" || key == "age";
    if (framing || (caching && scope.http->principal_scoped)) {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED,
                    "response_set_header: '" + std::string(view(name)) + "' is set by the host");
    }
    scope.http->response_headers.emplace_back(std::string(view(name)), std::string(view(value)));
    return MVNE_OK;
  });
}

mvne_status response_write(mvne_context* ctx, mvne_str bytes) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kRequest, "response_write")) return st;
    if (!valid(bytes)) return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "response_write: bad bytes");
    scope.http->body.append(view(bytes));
    return MVNE_OK;
  });
}

const mvne_host_api kHostApi = {
    sizeof(mvne_host_api),
    MVNE_ABI_MAJOR,
    MVNE_ABI_MINOR,
    &set_error,
    &log_message,
    &config_get,
    &register_route,
    &register_job,
    &register_spool,
    &register_datagram_listener,
    &declare_record_kind,
    &request_header,
    &request_query_param,
    &response_set_status,
    &response_set_header,
    &response_write,
    &datagram_reply,
    &submit_records,
    &query_open,
    &cursor_next,
    &cursor_token,
    &cursor_close,
    &kv_get,
    &kv_put,
};

}  // namespace

const mvne_host_api* host_api() { return &kHostApi; }

}  // namespace mvne::plugin
