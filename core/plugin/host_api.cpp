#include "core/plugin/host_api.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/jobs/schedule.h"
#include "core/log/log.h"
#include "core/platform/services.h"
#include "core/plugin/context_table.h"
#include "core/plugin/header_policy.h"
#include "core/plugin/host_calls.h"
#include "core/plugin/host_mail.h"
#include "core/plugin/host_support.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {
namespace {

mvne_status require_phase(CallScope& scope, Phase phase, const char* function) {
  if (scope.phase == phase) return MVNE_OK;
  return refuse(scope, MVNE_ERR_WRONG_PHASE,
                std::string(function) + " is only allowed in " + phase_name(phase));
}

// Refuses a call that would take the callback past one of its limits; counted as a plugin
// error under `reason`.
mvne_status over_limit(CallScope& scope, const char* reason, const std::string& why) {
  scope.plugin->metrics().count_plugin_error(scope.plugin->name(), reason);
  return refuse(scope, MVNE_ERR_UNAVAILABLE, why);
}

// Refuses handing out `bytes` more when the callback already holds its limit.
mvne_status check_bytes(CallScope& scope, size_t bytes, const char* function) {
  const size_t max = scope.plugin->limits().max_bytes;
  if (scope.bytes_held + bytes <= max) return MVNE_OK;
  return over_limit(scope, "limit_callback_bytes",
                    std::string(function) + ": the callback would hold " +
                        std::to_string(scope.bytes_held + bytes) + " bytes, over its limit of " +
                        std::to_string(max) +
                        " ([plugins] max_callback_mib); close cursors to read more");
}

// Hands a string to the plugin that stays valid until the callback returns.
mvne_str hand_out(CallScope& scope, std::string value) {
  scope.bytes_held += value.size();
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
    log::write(static_cast<log::Level>(level), "plugin:" + scope.plugin->name(), scope.request_id,
               view(message));
    return MVNE_OK;
  });
}

mvne_status config_get(mvne_context* ctx, mvne_str key, mvne_str* out) {
  return with_scope(ctx, [&](CallScope& scope) { return calls::config_get(scope, key, out); });
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
    if (!spec_ok(spec, offsetof(mvne_job_spec, job_data) + sizeof(void*)) || !valid(spec->name) ||
        !valid(spec->schedule) || spec->handler == nullptr) {
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

// What the rows of a query result hold in memory, about.
size_t result_bytes(const records::QueryResult& result) {
  size_t bytes = result.next_cursor.size();
  for (const auto& row : result.rows) {
    bytes += row.size() * sizeof(storage::Value);
    for (const auto& v : row) {
      if (auto* text = std::get_if<std::string>(&v)) bytes += text->size();
    }
  }
  return bytes;
}

bool valid_value(const mvne_value& v) {
  return v.type == 0 || (v.type >= MVNE_FIELD_INT64 && v.type <= MVNE_FIELD_TIME &&
                         (v.type != MVNE_FIELD_TEXT || valid(v.text)));
}

storage::Value to_value(const mvne_value& v) {
  switch (v.type) {
    case MVNE_FIELD_INT64:
    case MVNE_FIELD_TIME:
      return v.i64;
    case MVNE_FIELD_DOUBLE:
      return v.f64;
    case MVNE_FIELD_TEXT:
      return std::string(view(v.text));
    default:
      return std::monostate{};
  }
}

mvne_status register_spool(mvne_context* ctx, const mvne_spool_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_spool")) return st;
    if (!spec_ok(spec, offsetof(mvne_spool_spec, spool_data) + sizeof(void*)) ||
        !valid(spec->name) || !valid(spec->dir_key) || !valid(spec->pattern) ||
        spec->handler == nullptr || spec->pattern.len == 0) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_spool: malformed spec");
    }
    const auto& config = scope.plugin->config();
    auto dir = config.find(std::string(view(spec->dir_key)));
    if (dir == config.end() || dir->second.empty()) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "register_spool: [plugin." + scope.plugin->name() + "] " +
                        std::string(view(spec->dir_key)) + " is not set");
    }
    std::filesystem::path path(dir->second);
    if (path.is_relative() && !scope.plugin->base_dir().empty()) {
      path = std::filesystem::path(scope.plugin->base_dir()) / path;
    }
    scope.registrations->spools.push_back(
        {std::string(view(spec->name)), path.lexically_normal().string(),
         std::string(view(spec->pattern)), spec->handler, spec->spool_data});
    return MVNE_OK;
  });
}

mvne_status register_datagram_listener(mvne_context* ctx, const mvne_datagram_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_datagram_listener")) {
      return st;
    }
    if (!spec_ok(spec, offsetof(mvne_datagram_spec, listener_data) + sizeof(void*)) ||
        !valid(spec->name) || !valid(spec->listen_key) || spec->handler == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_datagram_listener: malformed spec");
    }
    std::string key(view(spec->listen_key));
    const auto& config = scope.plugin->config();
    auto address = config.find(key);
    if (address == config.end() || address->second.empty()) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "register_datagram_listener: [plugin." + scope.plugin->name() + "] " + key +
                        " is not set");
    }
    if (scope.plugin->services() == nullptr) {
      return refuse(scope, MVNE_ERR_UNAVAILABLE, "register_datagram_listener: no host services");
    }
    std::string name(view(spec->name));
    if (scope.plugin->services()->datagrams == nullptr) {
      // Offline (mvnectl): the plugin is loaded for an export; it receives nothing.
      scope.registrations->datagrams.push_back({name, address->second, nullptr});
      return MVNE_OK;
    }
    auto listener = scope.plugin->services()->datagrams->listen(address->second, scope.plugin, name,
                                                                spec->handler, spec->listener_data);
    if (!listener.ok()) {
      return refuse(
          scope, MVNE_ERR_UNAVAILABLE,
          "[plugin." + scope.plugin->name() + "] " + key + ": " + listener.status().message());
    }
    log::info("plugin:" + scope.plugin->name(),
              "datagram listener '" + name + "' on " +
                  address->second.substr(0, address->second.rfind(':')) + ":" +
                  std::to_string(ingest::bound_port(*listener.value())));
    scope.registrations->datagrams.push_back({name, address->second, listener.value()});
    return MVNE_OK;
  });
}

mvne_status datagram_reply(mvne_context* ctx, mvne_str bytes) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (scope.replies == nullptr) {
      return refuse(scope, MVNE_ERR_WRONG_PHASE, "datagram_reply outside a datagram handler");
    }
    if (!valid(bytes) || bytes.len > 65507) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "datagram_reply: bad bytes");
    }
    scope.replies->emplace_back(view(bytes));
    return MVNE_OK;
  });
}

mvne_status declare_record_kind(mvne_context* ctx, const mvne_record_kind_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "declare_record_kind")) return st;
    if (!spec_ok(spec, offsetof(mvne_record_kind_spec, field_count) + sizeof(size_t))) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "declare_record_kind: malformed spec");
    }
    auto kind = records::from_spec(scope.plugin->name(), *spec);
    if (!kind.ok()) return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, kind.status().message());
    for (const auto& k : scope.registrations->kinds) {
      if (k.kind == kind->kind) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                      "record kind '" + k.kind + "' declared twice");
      }
    }
    scope.registrations->kinds.push_back(std::move(kind).value());
    return MVNE_OK;
  });
}

// The kind named `name` of the calling plugin, or a refusal.
const records::KindDef* own_kind(CallScope& scope, mvne_str name, mvne_status& status) {
  const records::KindDef* kind =
      valid(name) ? scope.plugin->kind(std::string(view(name))) : nullptr;
  if (kind == nullptr) {
    status =
        refuse(scope, MVNE_ERR_NOT_FOUND,
               "record kind '" + std::string(valid(name) ? view(name) : "") + "' was not declared");
  }
  return kind;
}

// The kind a query reads: the plugin's own, or another plugin's that it declared, the
// operator granted, runs in this host and is enabled for the principal's tenant (since 1.3).
const records::KindDef* readable_kind(CallScope& scope, const mvne_query& query,
                                      std::shared_ptr<const records::KindDef>& other,
                                      mvne_status& status) {
  std::string owner;
  if (query.struct_size >= offsetof(mvne_query, plugin) + sizeof(mvne_str)) {
    if (!valid(query.plugin)) {
      status = refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "query_open: malformed plugin name");
      return nullptr;
    }
    owner = view(query.plugin);
  }
  if (owner.empty() || owner == scope.plugin->name()) return own_kind(scope, query.kind, status);
  const std::string kind_name = valid(query.kind) ? std::string(view(query.kind)) : "";
  const std::string owner_kind = owner + "." + kind_name;
  if (std::string why = scope.plugin->read_refusal(owner_kind); !why.empty()) {
    status = refuse(scope, MVNE_ERR_PERMISSION_DENIED, "query_open: " + why);
    return nullptr;
  }
  platform::Services* services = scope.plugin->services();
  other = services == nullptr ? nullptr : services->records->live(owner, kind_name);
  if (!other) {
    status = refuse(scope, MVNE_ERR_NOT_FOUND,
                    "query_open: " + owner_kind + " is not declared by a plugin running here");
    return nullptr;
  }
  auto tenant = services->tenants->tenant(scope.principal.tenant_code);
  if (!tenant.ok() ||
      std::find(tenant->plugins.begin(), tenant->plugins.end(), owner) == tenant->plugins.end()) {
    status = refuse(scope, MVNE_ERR_NOT_FOUND,
                    "query_open: plugin '" + owner + "' is not enabled for tenant '" +
                        scope.principal.tenant_code + "'");
    return nullptr;
  }
  return other.get();
}

mvne_status submit_records(mvne_context* ctx, mvne_str kind_name, const mvne_record* records,
                           size_t count) {
  return with_scope(ctx, [&](CallScope& scope) {
    return calls::submit_records(scope, kind_name, records, count);
  });
}

mvne_status query_open(mvne_context* ctx, const mvne_query* query, mvne_cursor** out) {
  if (out != nullptr) *out = nullptr;
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (scope.phase != Phase::kRequest && scope.phase != Phase::kExport) {
      return refuse(scope, MVNE_ERR_WRONG_PHASE,
                    "query_open: reads are only allowed in a route or export handler");
    }
    if (!spec_ok(query, offsetof(mvne_query, limit) + sizeof(uint32_t)) || out == nullptr ||
        !valid(query->sum_field) || !valid(query->order_by) || !valid(query->cursor) ||
        (query->filters == nullptr && query->filter_count > 0) || query->filter_count > 32) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "query_open: malformed query");
    }
    if (query->from_us >= query->to_us) {
      // A zero-initialised query asks for nothing: say so rather than answer nothing.
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "query_open: empty time window [from_us, to_us) = [" +
                        std::to_string(query->from_us) + ", " + std::to_string(query->to_us) +
                        "); set both (INT64_MIN and INT64_MAX for all time)");
    }
    using Kind = auth::Principal::Kind;
    if (scope.principal.kind != Kind::kTenant && scope.principal.kind != Kind::kConsumer) {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED,
                    "query_open: this route has no principal to read for");
    }
    mvne_status status = MVNE_OK;
    std::shared_ptr<const records::KindDef> other;  // another plugin's kind, kept alive here
    const records::KindDef* kind = readable_kind(scope, *query, other, status);
    if (kind == nullptr) return status;
    const size_t max_cursors = scope.plugin->limits().max_open_cursors;
    if (scope.cursors.size() >= max_cursors) {
      return over_limit(scope, "limit_open_cursors",
                        "query_open: the callback already has " + std::to_string(max_cursors) +
                            " open cursors, its limit ([plugins] max_open_cursors); close one "
                            "first");
    }
    records::QuerySpec spec;
    spec.from = query->from_us;
    spec.to = query->to_us;
    for (size_t i = 0; i < query->filter_count; ++i) {
      const mvne_filter& f = query->filters[i];
      if (!valid(f.field) || !valid_value(f.value)) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                      "query_open: filter " + std::to_string(i) + " is malformed");
      }
      spec.filters.push_back({std::string(view(f.field)), f.op, to_value(f.value)});
    }
    spec.aggregate = query->aggregate;
    spec.sum_field = view(query->sum_field);
    spec.group_by = query->group_by;
    spec.order_by = view(query->order_by);
    spec.descending = query->descending != 0;
    spec.cursor = view(query->cursor);
    spec.limit = query->limit;
    auto result = scope.plugin->services()->records->query(*kind, scope.principal, spec);
    if (!result.ok()) {
      scope.error = result.status().message();
      return service_failed(scope, result.status(), "query_open: ");
    }
    const size_t bytes = result_bytes(result.value());
    if (mvne_status st = check_bytes(scope, bytes, "query_open")) return st;
    // Egress check (a): every row read must be the principal's.
    for (const auto& [tenant, subscriber] : result->owners) {
      bool mine =
          tenant == scope.principal.tenant_id &&
          (scope.principal.kind == Kind::kTenant || subscriber == scope.principal.subscriber_id);
      if (!mine) {
        scope.blocked =
            "a row read for " + scope.principal.describe() + " belongs to another principal";
        return MVNE_ERR_EGRESS_BLOCKED;
      }
    }
    for (const auto& row : result->rows) {
      for (const auto& v : row) {
        if (auto* text = std::get_if<std::string>(&v)) scope.read_values.insert(*text);
      }
    }
    scope.rows_read += static_cast<int64_t>(result->rows.size());
    scope.record_kind_read = other ? kind->plugin + "." + kind->kind : kind->kind;
    const uint64_t id = ++scope.last_cursor_id;
    Cursor& cursor = scope.cursors[id];
    cursor.result = std::move(result).value();
    cursor.bytes = bytes;
    scope.bytes_held += bytes;
    *out = reinterpret_cast<mvne_cursor*>(static_cast<uintptr_t>(id));
    return MVNE_OK;
  });
}

// The scope's open cursor behind `handle`, or nullptr when it is not one of this call's.
Cursor* own_cursor(CallScope& scope, mvne_cursor* handle) {
  auto it = scope.cursors.find(reinterpret_cast<uintptr_t>(handle));
  return it == scope.cursors.end() ? nullptr : &it->second;
}

mvne_status cursor_next(mvne_context* ctx, mvne_cursor* handle, mvne_record* out_row,
                        int32_t* has_row) {
  if (has_row != nullptr) *has_row = 0;
  return with_scope(
      ctx, [&](CallScope& scope) { return calls::cursor_next(scope, handle, out_row, has_row); });
}

mvne_status cursor_token(mvne_context* ctx, mvne_cursor* handle, mvne_str* out) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    Cursor* cursor = own_cursor(scope, handle);
    if (cursor == nullptr || out == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "cursor_token: not an open cursor of this call");
    }
    const std::string& token = cursor->result.next_cursor;
    *out = mvne_str{token.data(), token.size()};
    return MVNE_OK;
  });
}

void cursor_close(mvne_context* ctx, mvne_cursor* handle) {
  with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    auto it = scope.cursors.find(reinterpret_cast<uintptr_t>(handle));
    if (it == scope.cursors.end()) return MVNE_OK;
    scope.bytes_held -= it->second.bytes;
    scope.cursors.erase(it);  // its rows are freed now, not when the callback ends
    return MVNE_OK;
  });
}

// Plugin state is kept per (plugin, tenant). Calls without a tenant have one store per kind
// of callback, under ids no tenant has, so that none reads or overwrites another's state:
// a public route cannot reach what the ingest handlers keep. Ingest keeps 0 (the cached
// store, written by the group commit).
constexpr int64_t kIngestStore = 0;
constexpr int64_t kJobStore = -1;     // jobs, on_start and on_stop
constexpr int64_t kPublicStore = -2;  // public routes
int64_t kv_tenant(const CallScope& scope) {
  if (scope.principal.tenant_id > 0) return scope.principal.tenant_id;
  switch (scope.phase) {
    case Phase::kIngest:
      return kIngestStore;
    case Phase::kRequest:
      return kPublicStore;
    default:
      return kJobStore;
  }
}

mvne_status kv_get(mvne_context* ctx, mvne_str key, mvne_str* out) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(key) || key.len == 0 || key.len > 190 || out == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "kv_get: bad key");
    }
    auto value = scope.plugin->services()->kv->get(scope.plugin->name(), kv_tenant(scope),
                                                   std::string(view(key)));
    if (!value.ok()) return service_failed(scope, value.status(), "kv_get: ");
    if (!value->has_value()) return MVNE_ERR_NOT_FOUND;
    if (mvne_status st = check_bytes(scope, (*value)->size(), "kv_get")) return st;
    *out = hand_out(scope, **value);
    return MVNE_OK;
  });
}

mvne_status kv_put(mvne_context* ctx, mvne_str key, mvne_str value) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(key) || key.len == 0 || key.len > 190 || !valid(value) || value.len > (1u << 20)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "kv_put: bad key or value");
    }
    Status counted = scope.plugin->services()->kv->count_write(
        scope.plugin->name(), kv_tenant(scope), std::string(view(key)), value.len == 0,
        scope.plugin->limits().kv_max_keys);
    if (counted.code() == Code::kFailedPrecondition) {
      return over_limit(scope, "limit_kv_keys",
                        "kv_put: " + counted.message() + " ([plugins] kv_max_keys)");
    }
    if (!counted.ok()) return service_failed(scope, counted, "kv_put: ");
    if (scope.deferred != nullptr && kv_tenant(scope) == kIngestStore) {  // with the group commit
      scope.deferred->kv.emplace_back(std::string(view(key)), std::string(view(value)));
      return MVNE_OK;
    }
    Status st = scope.plugin->services()->kv->put(scope.plugin->name(), kv_tenant(scope),
                                                  std::string(view(key)), std::string(view(value)));
    if (!st.ok()) return service_failed(scope, st, "kv_put: ");
    return MVNE_OK;
  });
}

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
  if (valid(name) && is_credential_header(view(name))) {
    // Refused whether or not the request carries it: its presence is not the plugin's either.
    return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED,
                    "request_header: '" + std::string(view(name)) +
                        "' carries credentials, which never reach a plugin");
    });
  }
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

mvne_status response_set_header(mvne_context* ctx, mvne_str name, mvne_str value) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kRequest, "response_set_header")) return st;
    if (!valid(name) || !valid(value) || !malformed_header(view(name), view(value)).empty()) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "response_set_header: malformed header");
    }
    // An allow-list: the host owns framing, caching and everything proxies act on.
    std::string why = unsettable_header(view(name), view(value));
    if (!why.empty()) {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED,
                    "response_set_header: '" + std::string(view(name)) + "': " + why);
    }
    auto& headers = scope.http->response_headers;
    auto same = std::find_if(headers.begin(), headers.end(),
                             [&](const auto& h) { return same_header_name(h.first, view(name)); });
    if (same != headers.end()) {
      same->second.assign(view(value));  // set, not add: the last value wins
      return MVNE_OK;
    }
    if (headers.size() >= kMaxResponseHeaders) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "response_set_header: too many headers");
    }
    headers.emplace_back(std::string(view(name)), std::string(view(value)));
    return MVNE_OK;
  });
}

mvne_status response_write(mvne_context* ctx, mvne_str bytes) {
  return with_scope(ctx, [&](CallScope& scope) { return calls::response_write(scope, bytes); });
}

mvne_status quarantine_line(mvne_context* ctx, mvne_str kind_name, mvne_str line,
                            int64_t line_number, mvne_str reason) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kIngest, "quarantine_line")) return st;
    mvne_status status = MVNE_OK;
    const records::KindDef* kind = own_kind(scope, kind_name, status);
    if (kind == nullptr) return status;
    if (!valid(line) || !valid(reason) || line.len > (1u << 20) || line_number < 0) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "quarantine_line: bad line or reason");
    }
    std::string why(view(reason));
    if (why.empty()) why = "rejected by the plugin";
    auto added = scope.plugin->services()->records->quarantine_line(
        *kind, scope.source, line_number, std::string(view(line)), why);
    if (!added.ok()) return service_failed(scope, added.status(), "quarantine_line: ");
    (added.value() ? scope.ingested.quarantined : scope.ingested.duplicates) += 1;
    scope.plugin->metrics().count_ingest_records(scope.plugin->name(),
                                                 added.value() ? "quarantined" : "duplicate", 1);
    return MVNE_OK;
  });
}

mvne_status register_export(mvne_context* ctx, const mvne_export_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_export")) return st;
    if (!spec_ok(spec, offsetof(mvne_export_spec, export_data) + sizeof(void*)) ||
        !valid(spec->name) || !valid(spec->kind) || !valid(spec->extension) ||
        !valid(spec->schedule_key) || spec->handler == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_export: malformed spec");
    }
    std::string name(view(spec->name)), extension(view(spec->extension));
    auto plain = [](const std::string& s) {
      return !s.empty() && s.size() <= 32 &&
             s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    };
    if (!plain(name) || !plain(extension)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "register_export: name and extension use a-z, 0-9 and _");
    }
    std::string schedule;
    const auto& config = scope.plugin->config();
    if (auto it = config.find(std::string(view(spec->schedule_key))); it != config.end()) {
      schedule = it->second;
    }
    if (!schedule.empty()) {
      auto parsed = jobs::Schedule::parse(schedule);
      if (!parsed.ok()) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                      "[plugin." + scope.plugin->name() + "] " +
                          std::string(view(spec->schedule_key)) + ": " + parsed.status().message());
      }
    }
    scope.registrations->exports.push_back({name, std::string(view(spec->kind)), extension,
                                            schedule, spec->handler, spec->export_data});
    return MVNE_OK;
  });
}

mvne_status export_write(mvne_context* ctx, mvne_str bytes, uint64_t rows) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kExport, "export_write")) return st;
    if (!valid(bytes) || scope.export_sink == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "export_write: bad bytes");
    }
    if (!scope.blocked.empty()) return MVNE_ERR_EGRESS_BLOCKED;
    // The sink runs egress check (b) over the bytes and what came before them (an identifier
    // may span writes); check (a) was made when the rows were read.
    Status written = scope.export_sink->write(view(bytes), rows);
    if (!scope.blocked.empty()) return MVNE_ERR_EGRESS_BLOCKED;
    if (!written.ok()) return service_failed(scope, written, "export_write: ");
    return MVNE_OK;
  });
}

mvne_status local_period(mvne_context* ctx, mvne_str period, int64_t* out_from, int64_t* out_to) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(period) || out_from == nullptr || out_to == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "local_period: bad arguments");
    }
    if (scope.principal.tenant_id <= 0) {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED, "local_period: the call has no tenant");
    }
    auto range = mvne::local_period(scope.principal.time_zone, view(period));
    if (!range.ok()) {
      scope.error = range.status().message();
      return MVNE_ERR_INVALID_ARGUMENT;
    }
    *out_from = range->first;
    *out_to = range->second;
    return MVNE_OK;
  });
}

mvne_status context_share(mvne_context* ctx, mvne_context** out_shared) noexcept {
  try {
    return ContextTable::instance().share(ctx, out_shared);
  } catch (...) {
    return MVNE_ERR_INTERNAL;
  }
}

mvne_status data_balance(mvne_context* ctx, mvne_str month, mvne_data_balance* out) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(month) || out == nullptr ||
        out->struct_size < offsetof(mvne_data_balance, left_bytes) + sizeof(int64_t)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "data_balance: bad arguments");
    }
    if (scope.principal.kind != auth::Principal::Kind::kConsumer) {
      return refuse(scope, MVNE_ERR_PERMISSION_DENIED,
                    "data_balance: only a consumer route has a consumer's balance");
    }
    platform::Services* services = scope.plugin->services();
    if (services == nullptr) return refuse(scope, MVNE_ERR_UNAVAILABLE, "data_balance: no storage");
    const int64_t now = now_us();
    auto b = services->allowance->balance(scope.principal, std::string(view(month)), now);
    if (!b.ok()) {
      scope.error = b.status().message();
      return service_failed(scope, b.status(), "data_balance: ");
    }
    mvne_data_balance full{
        sizeof(mvne_data_balance), b->quota, b->carried_over, b->used, b->left, b->from, b->to, now,
        hand_out(scope, b->month)};
    const uint32_t size = std::min<uint32_t>(out->struct_size, sizeof(mvne_data_balance));
    std::memcpy(out, &full, size);
    out->struct_size = size;
    return MVNE_OK;
  });
}

int32_t log_enabled(mvne_context* ctx, int32_t level) {
  int32_t on = 0;
  with_scope(ctx, [&](CallScope&) -> mvne_status {
    if (level < MVNE_LOG_TRACE || level > MVNE_LOG_ERROR) return MVNE_ERR_INVALID_ARGUMENT;
    on = log::enabled(static_cast<log::Level>(level)) ? 1 : 0;
    return MVNE_OK;
  });
  return on;
}

mvne_status normalize_identifier(mvne_context* ctx, uint32_t role, mvne_str text, mvne_str* out) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(text) || out == nullptr || text.len > 64) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "normalize_identifier: bad arguments");
    }
    tenancy::IdKind kind = tenancy::IdKind::kMsisdn;
    if (role == MVNE_ROLE_IMSI) {
      kind = tenancy::IdKind::kImsi;
    } else if (role == MVNE_ROLE_ICCID) {
      kind = tenancy::IdKind::kIccid;
    } else if (role != MVNE_ROLE_MSISDN) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "normalize_identifier: role must be MVNE_ROLE_MSISDN, IMSI or ICCID");
    }
    platform::Services* services = scope.plugin->services();
    auto normal = tenancy::normalize(
        kind, view(text),
        services != nullptr ? services->records->numbering() : tenancy::NumberingPlan{});
    if (!normal.ok()) {
      scope.error = normal.status().message();
      return MVNE_ERR_INVALID_ARGUMENT;
    }
    *out = hand_out(scope, std::move(normal).value());
    return MVNE_OK;
  });
}

mvne_status register_metric(mvne_context* ctx, const mvne_metric_spec* spec) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (mvne_status st = require_phase(scope, Phase::kStart, "register_metric")) return st;
    if (!spec_ok(spec, offsetof(mvne_metric_spec, bucket_count) + sizeof(size_t)) ||
        !valid(spec->name) || !valid(spec->help) || spec->label_count > 16 ||
        spec->bucket_count > 64 || (spec->label_names == nullptr && spec->label_count > 0) ||
        (spec->buckets == nullptr && spec->bucket_count > 0) ||
        (spec->type != MVNE_METRIC_COUNTER && spec->type != MVNE_METRIC_HISTOGRAM)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_metric: malformed spec");
    }
    metrics::PluginMetrics::Spec def;
    def.name = view(spec->name);
    def.help = std::string(view(spec->help)).substr(0, 512);
    def.type = spec->type == MVNE_METRIC_COUNTER ? metrics::PluginMetrics::Type::kCounter
                                                 : metrics::PluginMetrics::Type::kHistogram;
    for (size_t i = 0; i < spec->label_count; ++i) {
      if (!valid(spec->label_names[i])) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_metric: malformed label");
      }
      def.labels.emplace_back(view(spec->label_names[i]));
    }
    def.buckets.assign(spec->buckets, spec->buckets + spec->bucket_count);
    Status st = scope.plugin->metrics().plugins().define(scope.plugin->name(), std::move(def));
    if (!st.ok())
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "register_metric: " + st.message());
    return MVNE_OK;
  });
}

mvne_status metric_record(mvne_context* ctx, mvne_str name, const mvne_str* label_values,
                          size_t label_count, double value) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (!valid(name) || label_count > 16 || (label_values == nullptr && label_count > 0)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "metric_record: bad arguments");
    }
    std::vector<std::string> values;
    for (size_t i = 0; i < label_count; ++i) {
      if (!valid(label_values[i])) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "metric_record: malformed label value");
      }
      values.emplace_back(view(label_values[i]));
    }
    Status st = scope.plugin->metrics().plugins().record(scope.plugin->name(),
                                                         std::string(view(name)), values, value);
    if (st.code() == Code::kUnavailable) {
      return over_limit(scope, "limit_metric_series", "metric_record: " + st.message());
    }
    if (!st.ok()) {
      return refuse(scope,
                    st.code() == Code::kNotFound ? MVNE_ERR_NOT_FOUND : MVNE_ERR_INVALID_ARGUMENT,
                    "metric_record: " + st.message());
    }
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
    &quarantine_line,
    &register_export,
    &export_write,
    &local_period,
    &context_share,
    &data_balance,
    &log_enabled,
    &normalize_identifier,
    &register_metric,
    &metric_record,
    &mail_send,
    &mail_state,
};

}  // namespace

const mvne_host_api* host_api() { return &kHostApi; }

namespace calls {

mvne_status config_get(CallScope& scope, mvne_str key, mvne_str* out) {
  if (!valid(key) || out == nullptr) return MVNE_ERR_INVALID_ARGUMENT;
  const auto& section = scope.plugin->config();
  auto it = section.find(std::string(view(key)));
  if (it == section.end()) return MVNE_ERR_NOT_FOUND;
  *out = mvne_str{it->second.data(), it->second.size()};  // lives as long as the plugin
  return MVNE_OK;
}

mvne_status submit_records(CallScope& scope, mvne_str kind_name, const mvne_record* records,
                           size_t count) {
  if (mvne_status st = require_phase(scope, Phase::kIngest, "submit_records")) return st;
  mvne_status status = MVNE_OK;
  const records::KindDef* kind = own_kind(scope, kind_name, status);
  if (kind == nullptr) return status;
  if ((records == nullptr && count > 0) || count > 100000) {
    return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "submit_records: bad batch");
  }
  std::vector<storage::Row> rows;
  rows.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const mvne_record& r = records[i];
    if ((r.values == nullptr && r.value_count > 0) || r.value_count > 64) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "submit_records: record " + std::to_string(i) + " is malformed");
    }
    storage::Row row;
    for (size_t v = 0; v < r.value_count; ++v) {
      if (!valid_value(r.values[v])) {
        return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                      "submit_records: record " + std::to_string(i) + " value " +
                          std::to_string(v) + " is malformed");
      }
      row.push_back(to_value(r.values[v]));
    }
    // A value of the wrong type is the plugin's mistake, not bad data: nothing is stored.
    if (std::string problem = records::value_problem(*kind, row); !problem.empty()) {
      scope.plugin->metrics().count_plugin_error(scope.plugin->name(), "bad_record");
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "submit_records: record " + std::to_string(i) + " of kind '" + kind->kind +
                        "': " + problem + " (a plugin error; nothing of the batch was stored)");
    }
    rows.push_back(std::move(row));
  }
  if (scope.deferred != nullptr) {  // stored by the group commit, before the replies
    scope.deferred->records.emplace_back(kind, std::move(rows));
    return MVNE_OK;
  }
  auto counts = scope.plugin->services()->records->submit(*kind, rows, scope.source);
  if (!counts.ok()) return service_failed(scope, counts.status(), "submit_records: ");
  int64_t before = scope.ingested.stored + scope.ingested.duplicates + scope.ingested.quarantined;
  scope.ingested.stored += counts->stored;
  scope.ingested.duplicates += counts->duplicates;
  scope.ingested.quarantined += counts->quarantined;
  metrics::Metrics& m = scope.plugin->metrics();
  m.count_ingest_records(scope.plugin->name(), "stored", counts->stored);
  m.count_ingest_records(scope.plugin->name(), "duplicate", counts->duplicates);
  m.count_ingest_records(scope.plugin->name(), "quarantined", counts->quarantined);
  int64_t after = before + static_cast<int64_t>(count);
  constexpr int64_t kProgressEvery = 100000;
  if (after / kProgressEvery > before / kProgressEvery) {
    log::write(log::Level::kInfo, "plugin:" + scope.plugin->name(), scope.request_id,
               scope.source + ": " + std::to_string(after) + " records so far");
  }
  return MVNE_OK;
}

mvne_status cursor_next(CallScope& scope, mvne_cursor* handle, mvne_record* out_row,
                        int32_t* has_row) {
  Cursor* cursor = own_cursor(scope, handle);
  if (cursor == nullptr || out_row == nullptr || has_row == nullptr) {
    return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "cursor_next: not an open cursor of this call");
  }
  if (cursor->next >= cursor->result.rows.size()) return MVNE_OK;
  const storage::Row& row = cursor->result.rows[cursor->next++];
  cursor->current.assign(row.size(), mvne_value{});
  for (size_t i = 0; i < row.size(); ++i) {
    mvne_value& v = cursor->current[i];
    if (storage::is_null(row[i])) continue;
    v.type = cursor->result.types[i];
    if (auto* n = std::get_if<int64_t>(&row[i])) v.i64 = *n;
    if (auto* d = std::get_if<double>(&row[i])) v.f64 = *d;
    if (auto* t = std::get_if<std::string>(&row[i])) v.text = mvne_str{t->data(), t->size()};
  }
  *out_row = mvne_record{cursor->current.data(), cursor->current.size()};
  *has_row = 1;
  return MVNE_OK;
}

mvne_status response_write(CallScope& scope, mvne_str bytes) {
  if (mvne_status st = require_phase(scope, Phase::kRequest, "response_write")) return st;
  if (!valid(bytes)) return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "response_write: bad bytes");
  scope.http->body.append(view(bytes));
  return MVNE_OK;
}

}  // namespace calls

}  // namespace mvne::plugin
