// mvne/plugin.hpp: a header-only C++ wrapper over the C ABI in plugin.h.
//
// A plugin derives from mvne::Plugin, registers its handlers in start(), and declares
// itself with MVNE_PLUGIN(Class, "name", "version"). Every call from the host enters
// through one trampoline (mvne::detail::guarded) that turns any exception into a status
// code and a set_error message, so nothing C++ ever crosses the C boundary.
#ifndef MVNE_PLUGIN_HPP_
#define MVNE_PLUGIN_HPP_

#include <mvne/plugin.h>

#include <deque>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mvne {

// A status code with a message; ok() when code == MVNE_OK.
class Status {
 public:
  Status() = default;
  Status(mvne_status code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }
  static Status Error(std::string message, mvne_status code = MVNE_ERR_INTERNAL) {
    return {code, std::move(message)};
  }
  bool ok() const { return code_ == MVNE_OK; }
  mvne_status code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  mvne_status code_ = MVNE_OK;
  std::string message_;
};

inline mvne_str to_str(std::string_view s) { return mvne_str{s.data(), s.size()}; }
inline std::string_view to_view(mvne_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.len);
}

namespace detail {
// The host table, set once by the entry point; the host guarantees it outlives the library.
inline const mvne_host_api*& host_table() {
  static const mvne_host_api* table = nullptr;
  return table;
}
}  // namespace detail

// A mail message for Context::send_mail (ABI 1.4): addresses as {name, email}.
struct MailAddress {
  std::string name = {};
  std::string email = {};
};
struct Mail {
  MailAddress from = {};  // empty: the platform's sender
  MailAddress reply_to = {};
  std::vector<MailAddress> to = {}, cc = {}, bcc = {};  // bcc: in the envelope only
  std::string subject = {}, text = {}, html = {};
  std::string purpose = {};  // one word for the outbox and the audit log
  // ABI 1.5: the tenant's template instead of subject/text/html, with {{key}} values.
  std::string template_name = {};
  std::vector<std::pair<std::string, std::string>> template_values = {};
};

// A borrowed view of one callback's context; never keep it past the callback, and use it
// on the callback's thread only (helper threads get a shared() copy).
class Context {
 public:
  explicit Context(mvne_context* ctx) : ctx_(ctx), host_(detail::host_table()) {}

  // A copy of this context for helper threads of this callback (ABI 1.2): it works from
  // any thread until the callback returns. Call it on the callback's own thread; join the
  // helpers before the callback returns.
  Status share(Context& out) const {
    mvne_context* shared = nullptr;
    if (mvne_status code = share_handle(shared); code != MVNE_OK) {
      return Status(code, "context_share refused");
    }
    out = Context(shared);
    return Status::Ok();
  }

  mvne_context* raw() const { return ctx_; }
  const mvne_host_api& host() const { return *host_; }

  void log(int32_t level, std::string_view message) const {
    host_->log(ctx_, level, to_str(message));
  }
  void info(std::string_view message) const { log(MVNE_LOG_INFO, message); }
  void warn(std::string_view message) const { log(MVNE_LOG_WARN, message); }

  // [from, to) in microseconds of "YYYY-MM" or "YYYY-MM-DD" in the principal's time zone
  // (ABI 1.1; routes and exports of a tenant or consumer).
  Status local_period(std::string_view period, int64_t& from, int64_t& to) const {
    if (host_->abi_minor < 1)
      return Status::Error("local_period needs ABI 1.1", MVNE_ERR_UNAVAILABLE);
    mvne_status code = host_->local_period(ctx_, to_str(period), &from, &to);
    return code == MVNE_OK ? Status::Ok() : Status(code, "local_period refused");
  }

  // Adds `n` to a counter the plugin defined, or observes `value` in a histogram, with the
  // metric's label values in order (ABI 1.3; older hosts: ignored).
  Status count(std::string_view metric, std::initializer_list<std::string_view> labels = {},
               double n = 1) const {
    return record_metric(metric, labels, n);
  }
  Status observe(std::string_view metric, double value,
                 std::initializer_list<std::string_view> labels = {}) const {
    return record_metric(metric, labels, value);
  }

  // True when a line of `level` would be written (ABI 1.3; older hosts: always true).
  bool log_enabled(int32_t level) const {
    return host_->abi_minor < 3 || host_->log_enabled(ctx_, level) != 0;
  }

  // `text` as the host stores and shows an identifier of `role` (MVNE_ROLE_MSISDN, IMSI or
  // ICCID; ABI 1.3), or nullopt when it is not one.
  std::optional<std::string> normalize_identifier(uint32_t role, std::string_view text) const {
    mvne_str out{nullptr, 0};
    if (host_->abi_minor < 3 || host_->normalize_identifier(ctx_, role, to_str(text), &out) !=
                                    MVNE_OK) {
      return std::nullopt;
    }
    return std::string(to_view(out));
  }

  // The consumer's data balance for "YYYY-MM" of its tenant's calendar, or the current month
  // when `month` is empty (ABI 1.3; consumer routes).
  Status data_balance(std::string_view month, mvne_data_balance& out) const {
    out = mvne_data_balance{};
    out.struct_size = sizeof(mvne_data_balance);
    if (host_->abi_minor < 3)
      return Status::Error("data_balance needs ABI 1.3", MVNE_ERR_UNAVAILABLE);
    mvne_status code = host_->data_balance(ctx_, to_str(month), &out);
    return code == MVNE_OK ? Status::Ok() : Status(code, "data_balance refused");
  }

  Status record_metric(std::string_view metric, std::initializer_list<std::string_view> labels,
                       double value) const {
    if (host_->abi_minor < 3) return Status::Ok();
    std::vector<mvne_str> values;
    for (auto l : labels) values.push_back(to_str(l));
    mvne_status code =
        host_->metric_record(ctx_, to_str(metric), values.data(), values.size(), value);
    return code == MVNE_OK ? Status::Ok() : Status(code, "metric_record refused");
  }

  // Queues `mail` (ABI 1.4; see "Mail" in plugin.h); *id, when given, gets its outbox id.
  Status send_mail(const Mail& mail, int64_t* id = nullptr) const {
    if (host_->abi_minor < 4) return Status::Error("mail needs ABI 1.4", MVNE_ERR_UNAVAILABLE);
    auto addresses = [](const std::vector<MailAddress>& list) {
      std::vector<mvne_mail_address> out;
      for (const auto& a : list) out.push_back({to_str(a.name), to_str(a.email)});
      return out;
    };
    std::vector<mvne_mail_address> to = addresses(mail.to), cc = addresses(mail.cc),
                                   bcc = addresses(mail.bcc);
    mvne_mail_message m{};
    m.struct_size = sizeof m;
    m.from = {to_str(mail.from.name), to_str(mail.from.email)};
    m.reply_to = {to_str(mail.reply_to.name), to_str(mail.reply_to.email)};
    m.to = to.data();
    m.to_count = to.size();
    m.cc = cc.data();
    m.cc_count = cc.size();
    m.bcc = bcc.data();
    m.bcc_count = bcc.size();
    m.subject = to_str(mail.subject);
    m.text = to_str(mail.text);
    m.html = to_str(mail.html);
    m.purpose = to_str(mail.purpose);
    std::vector<mvne_str> values;
    for (const auto& [key, value] : mail.template_values) {
      values.push_back(to_str(key));
      values.push_back(to_str(value));
    }
    if (!mail.template_name.empty()) {
      if (host_->abi_minor < 5)
        return Status::Error("mail templates need ABI 1.5", MVNE_ERR_UNAVAILABLE);
      m.template_name = to_str(mail.template_name);
      m.template_values = values.data();
      m.template_value_count = values.size();
    }
    int64_t queued = 0;
    mvne_status code = host_->mail_send(ctx_, &m, &queued);
    if (id != nullptr) *id = queued;
    return code == MVNE_OK ? Status::Ok() : Status(code, "mail_send refused");
  }

  // The state of a message this plugin queued for this tenant (ABI 1.4): queued, sending,
  // sent, failed or cancelled, and the relay's last reply.
  Status mail_state(int64_t id, std::string& state, std::string& reply) const {
    if (host_->abi_minor < 4) return Status::Error("mail needs ABI 1.4", MVNE_ERR_UNAVAILABLE);
    mvne_str s{nullptr, 0}, r{nullptr, 0};
    mvne_status code = host_->mail_state(ctx_, id, &s, &r);
    if (code != MVNE_OK) return Status(code, "mail_state refused");
    state = std::string(to_view(s));
    reply = std::string(to_view(r));
    return Status::Ok();
  }

  // The raw handle of a shared copy (ABI 1.2), for the wrappers' own share() functions.
  mvne_status share_handle(mvne_context*& out) const {
    out = nullptr;
    if (host_->abi_minor < 2) return MVNE_ERR_UNAVAILABLE;
    return host_->context_share(ctx_, &out);
  }

  // The plugin's own [plugin.NAME] key, or nullopt when it is not set.
  std::optional<std::string> config(std::string_view key) const {
    mvne_str out{nullptr, 0};
    if (host_->config_get(ctx_, to_str(key), &out) != MVNE_OK) return std::nullopt;
    return std::string(to_view(out));
  }

 private:
  mvne_context* ctx_;
  const mvne_host_api* host_;
};

// The context of a route handler: the request in, the response out through the host.
class RequestContext : public Context {
 public:
  RequestContext(mvne_context* ctx, const mvne_http_request* request)
      : Context(ctx), request_(request) {}

  std::string_view method() const { return to_view(request_->method); }
  std::string_view path() const { return to_view(request_->path); }
  std::string_view query() const { return to_view(request_->query); }
  std::string_view body() const { return to_view(request_->body); }
  std::string_view request_id() const { return to_view(request_->request_id); }

  // A copy for helper threads of this request (ABI 1.2); see Context::share. It writes to
  // this request's response.
  Status share(RequestContext& out) const {
    mvne_context* shared = nullptr;
    if (mvne_status code = share_handle(shared); code != MVNE_OK) {
      return Status(code, "context_share refused");
    }
    out = RequestContext(shared, request_);
    return Status::Ok();
  }

  std::optional<std::string> header(std::string_view name) const {
    return lookup(host().request_header, name);
  }
  std::optional<std::string> query_param(std::string_view name) const {
    return lookup(host().request_query_param, name);
  }

  Status set_status(int32_t status) const {
    return check(host().response_set_status(raw(), status), "response_set_status");
  }
  Status set_header(std::string_view name, std::string_view value) const {
    return check(host().response_set_header(raw(), to_str(name), to_str(value)),
                 "response_set_header");
  }
  Status write(std::string_view bytes) const {
    return check(host().response_write(raw(), to_str(bytes)), "response_write");
  }

 private:
  using Lookup = mvne_status (*)(mvne_context*, mvne_str, mvne_str*);
  std::optional<std::string> lookup(Lookup fn, std::string_view name) const {
    mvne_str out{nullptr, 0};
    if (fn(raw(), to_str(name), &out) != MVNE_OK) return std::nullopt;
    return std::string(to_view(out));
  }
  static Status check(mvne_status code, const char* what) {
    return code == MVNE_OK ? Status::Ok() : Status(code, std::string(what) + " refused");
  }

  const mvne_http_request* request_;
};

// ---- Records ---------------------------------------------------------------------------

// Builders for mvne_value; text values borrow the string, which must outlive the call.
inline mvne_value text_value(std::string_view s) {
  return mvne_value{MVNE_FIELD_TEXT, 0, 0, to_str(s)};
}
inline mvne_value int_value(int64_t v) { return mvne_value{MVNE_FIELD_INT64, v, 0, {nullptr, 0}}; }
inline mvne_value time_value(int64_t us) {
  return mvne_value{MVNE_FIELD_TIME, us, 0, {nullptr, 0}};
}
inline mvne_value double_value(double v) {
  return mvne_value{MVNE_FIELD_DOUBLE, 0, v, {nullptr, 0}};
}
inline mvne_value null_value() { return mvne_value{0, 0, 0, {nullptr, 0}}; }

// The context of a spool handler: it submits records and reads nothing.
class IngestContext : public Context {
 public:
  using Context::Context;

  // Submits records whose values are laid out `fields` per record in `values`.
  Status submit(std::string_view kind, const std::vector<mvne_value>& values, size_t fields) const {
    if (fields == 0 || values.size() % fields != 0) {
      return Status::Error("submit: values are not a whole number of records",
                           MVNE_ERR_INVALID_ARGUMENT);
    }
    std::vector<mvne_record> records;
    records.reserve(values.size() / fields);
    for (size_t i = 0; i < values.size(); i += fields) records.push_back({&values[i], fields});
    mvne_status code = host().submit_records(raw(), to_str(kind), records.data(), records.size());
    return code == MVNE_OK ? Status::Ok() : Status(code, "submit_records refused");
  }

  // Sends an input line that could not be parsed to quarantine (ABI 1.1).
  Status quarantine_line(std::string_view kind, std::string_view line, int64_t line_number,
                         std::string_view reason) const {
    if (host().abi_minor < 1)
      return Status::Error("quarantine_line needs ABI 1.1", MVNE_ERR_UNAVAILABLE);
    mvne_status code =
        host().quarantine_line(raw(), to_str(kind), to_str(line), line_number, to_str(reason));
    return code == MVNE_OK ? Status::Ok() : Status(code, "quarantine_line refused");
  }

  // In a datagram handler: answers the sender once the handler has returned.
  Status reply(std::string_view bytes) const {
    mvne_status code = host().datagram_reply(raw(), to_str(bytes));
    return code == MVNE_OK ? Status::Ok() : Status(code, "datagram_reply refused");
  }
};

// The context of an export handler: scoped reads in, the file's bytes out (ABI 1.1).
class ExportContext : public Context {
 public:
  ExportContext(mvne_context* ctx, int64_t from, int64_t to) : Context(ctx), from_(from), to_(to) {}
  int64_t from() const { return from_; }
  int64_t to() const { return to_; }
  // Appends bytes holding `rows` rows; fails when the egress guard stops them.
  Status write(std::string_view bytes, uint64_t rows) const {
    mvne_status code = host().export_write(raw(), to_str(bytes), rows);
    return code == MVNE_OK ? Status::Ok() : Status(code, "export_write refused");
  }

 private:
  int64_t from_, to_;
};

// A row handed out by a Cursor; valid until the next call on that cursor.
class RowView {
 public:
  explicit RowView(const mvne_record& r) : r_(r) {}
  size_t size() const { return r_.value_count; }
  bool is_null(size_t i) const { return r_.values[i].type == 0; }
  // MVNE_FIELD_TEXT, _INT64, _DOUBLE or _TIME; 0 for NULL.
  int32_t type(size_t i) const { return r_.values[i].type; }
  std::string_view text(size_t i) const { return to_view(r_.values[i].text); }
  int64_t integer(size_t i) const { return r_.values[i].i64; }
  double real(size_t i) const { return r_.values[i].f64; }

 private:
  const mvne_record& r_;
};

// Rows of one scoped query; closes itself.
class Cursor {
 public:
  Cursor(const Context& ctx, mvne_cursor* cursor) : ctx_(ctx), cursor_(cursor) {}
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() {
    if (cursor_ != nullptr) ctx_.host().cursor_close(ctx_.raw(), cursor_);
  }
  // Calls fn(RowView) for each row of this page.
  template <typename Fn>
  Status each(Fn&& fn) {
    mvne_record row{};
    int32_t has_row = 0;
    while (true) {
      mvne_status code = ctx_.host().cursor_next(ctx_.raw(), cursor_, &row, &has_row);
      if (code != MVNE_OK) return Status(code, "cursor_next refused");
      if (!has_row) return Status::Ok();
      fn(RowView(row));
    }
  }
  // The token for the next page, or "" on the last page.
  std::string next_page() const {
    mvne_str token{nullptr, 0};
    if (ctx_.host().cursor_token(ctx_.raw(), cursor_, &token) != MVNE_OK) return {};
    return std::string(to_view(token));
  }

 private:
  const Context& ctx_;
  mvne_cursor* cursor_;
};

// Opens a scoped read; the host adds the route's principal to the query.
inline Status open_query(const Context& ctx, const mvne_query& query,
                         std::unique_ptr<Cursor>& out) {
  mvne_cursor* cursor = nullptr;
  mvne_status code = ctx.host().query_open(ctx.raw(), &query, &cursor);
  if (code != MVNE_OK) return Status(code, "query_open refused");
  out = std::make_unique<Cursor>(ctx, cursor);
  return Status::Ok();
}

// The plugin's key-value store for the context's tenant.
inline std::optional<std::string> kv_get(const Context& ctx, std::string_view key) {
  mvne_str out{nullptr, 0};
  if (ctx.host().kv_get(ctx.raw(), to_str(key), &out) != MVNE_OK) return std::nullopt;
  return std::string(to_view(out));
}
inline Status kv_put(const Context& ctx, std::string_view key, std::string_view value) {
  mvne_status code = ctx.host().kv_put(ctx.raw(), to_str(key), to_str(value));
  return code == MVNE_OK ? Status::Ok() : Status(code, "kv_put refused");
}

using RouteHandler = std::function<Status(RequestContext&)>;
using JobHandler = std::function<Status(Context&)>;
using SpoolHandler = std::function<Status(IngestContext&, std::string_view path)>;
using DatagramHandler =
    std::function<Status(IngestContext&, std::string_view payload, std::string_view peer)>;
using ExportHandler = std::function<Status(ExportContext&)>;

// One field of a record kind: its name, MVNE_FIELD_* type and MVNE_ROLE_* roles.
struct Field {
  std::string_view name;
  int32_t type;
  uint32_t roles = MVNE_ROLE_NONE;
};

namespace detail {
// The one trampoline: runs `body` and converts every outcome to a C status code.
template <typename Body>
mvne_status guarded(mvne_context* ctx, Body&& body) noexcept {
  const mvne_host_api* host = host_table();
  auto report = [&](std::string_view message) {
    if (host != nullptr) host->set_error(ctx, to_str(message));
  };
  try {
    Status status = body();
    if (!status.ok()) report(status.message());
    return status.code();
  } catch (const std::exception& e) {
    report(std::string("exception: ") + e.what());
  } catch (...) {
    report("unknown exception");
  }
  return MVNE_ERR_INTERNAL;
}
}  // namespace detail

// Base class of a C++ plugin. The host creates one instance per enablement.
class Plugin {
 public:
  virtual ~Plugin() = default;
  // Registers handlers; a failure disables the plugin.
  virtual Status start(Context& ctx) = 0;
  // Called after in-flight calls have completed.
  virtual Status stop(Context& /*ctx*/) { return Status::Ok(); }

 protected:
  // Only valid inside start().
  Status route(Context& ctx, std::string_view method, std::string_view prefix, int32_t access,
               RouteHandler handler) {
    routes_.push_back(std::move(handler));
    mvne_route_spec spec{sizeof(mvne_route_spec),   to_str(method), to_str(prefix), access,
                         &Plugin::route_trampoline, &routes_.back()};
    mvne_status code = ctx.host().register_route(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "route " + std::string(prefix) + " refused by host");
  }

  // Declares a record kind, rated by the host when `rating` is not MVNE_RATING_NONE;
  // only valid inside start().
  Status record_kind(Context& ctx, std::string_view name, const std::vector<Field>& fields,
                     int32_t rating = MVNE_RATING_NONE) {
    std::vector<mvne_field_spec> specs;
    for (const Field& f : fields) specs.push_back({to_str(f.name), f.type, f.roles});
    mvne_record_kind_spec spec{sizeof(mvne_record_kind_spec), to_str(name), specs.data(),
                               specs.size(), rating};
    mvne_status code = ctx.host().declare_record_kind(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "record kind " + std::string(name) + " refused by host");
  }

  // Watches the directory named by config key `dir_key` for files matching `pattern`.
  Status spool(Context& ctx, std::string_view name, std::string_view dir_key,
               std::string_view pattern, SpoolHandler handler) {
    spools_.push_back(std::move(handler));
    mvne_spool_spec spec{sizeof(mvne_spool_spec),   to_str(name),
                         to_str(dir_key),           to_str(pattern),
                         &Plugin::spool_trampoline, &spools_.back()};
    mvne_status code = ctx.host().register_spool(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "spool " + std::string(name) + " refused by host");
  }

  // Receives datagrams on the host-owned UDP socket at the address in config key `listen_key`.
  Status datagram(Context& ctx, std::string_view name, std::string_view listen_key,
                  DatagramHandler handler) {
    datagrams_.push_back(std::move(handler));
    mvne_datagram_spec spec{sizeof(mvne_datagram_spec), to_str(name), to_str(listen_key),
                            &Plugin::datagram_trampoline, &datagrams_.back()};
    mvne_status code = ctx.host().register_datagram_listener(ctx.raw(), &spec);
    return code == MVNE_OK
               ? Status::Ok()
               : Status(code, "datagram listener " + std::string(name) + " refused by host");
  }

  // A counter (MVNE_METRIC_COUNTER) or histogram (MVNE_METRIC_HISTOGRAM, with `buckets`)
  // exported as mvne_plugin_<plugin>_<name> (ABI 1.3); only valid inside start(). Record into
  // it with Context::count or Context::observe.
  Status metric(Context& ctx, std::string_view name, std::string_view help, int32_t type,
                std::vector<std::string> labels = {}, std::vector<double> buckets = {}) {
    if (ctx.host().abi_minor < 3) return Status::Error("metrics need ABI 1.3", MVNE_ERR_UNAVAILABLE);
    std::vector<mvne_str> names;
    for (const auto& l : labels) names.push_back(to_str(l));
    mvne_metric_spec spec{sizeof(mvne_metric_spec), to_str(name), to_str(help), type,
                          names.data(),             names.size(),  buckets.data(), buckets.size()};
    mvne_status code = ctx.host().register_metric(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "metric " + std::string(name) + " refused by host");
  }

  Status job(Context& ctx, std::string_view name, std::string_view schedule, JobHandler handler) {
    jobs_.push_back(std::move(handler));
    mvne_job_spec spec{sizeof(mvne_job_spec), to_str(name), to_str(schedule),
                       &Plugin::job_trampoline, &jobs_.back()};
    mvne_status code = ctx.host().register_job(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "job " + std::string(name) + " refused by host");
  }

  // An export of `kind` records, one file per tenant and day, run on the schedule in config
  // key `schedule_key` and on demand (ABI 1.1); only valid inside start().
  Status export_files(Context& ctx, std::string_view name, std::string_view kind,
                      std::string_view extension, std::string_view schedule_key,
                      ExportHandler handler) {
    exports_.push_back(std::move(handler));
    mvne_export_spec spec{
        sizeof(mvne_export_spec), to_str(name),         to_str(kind),
        to_str(extension),        to_str(schedule_key), &Plugin::export_trampoline,
        &exports_.back()};
    mvne_status code = ctx.host().register_export(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "export " + std::string(name) + " refused by host");
  }

 private:
  static mvne_status export_trampoline(void*, void* data, mvne_context* ctx, int64_t from,
                                       int64_t to) {
    return detail::guarded(ctx, [&] {
      ExportContext c(ctx, from, to);
      return (*static_cast<ExportHandler*>(data))(c);
    });
  }

  static mvne_status route_trampoline(void*, void* data, mvne_context* ctx,
                                      const mvne_http_request* request) {
    return detail::guarded(ctx, [&] {
      RequestContext rc(ctx, request);
      return (*static_cast<RouteHandler*>(data))(rc);
    });
  }
  static mvne_status job_trampoline(void*, void* data, mvne_context* ctx) {
    return detail::guarded(ctx, [&] {
      Context c(ctx);
      return (*static_cast<JobHandler*>(data))(c);
    });
  }

  static mvne_status spool_trampoline(void*, void* data, mvne_context* ctx, mvne_str path) {
    return detail::guarded(ctx, [&] {
      IngestContext c(ctx);
      return (*static_cast<SpoolHandler*>(data))(c, to_view(path));
    });
  }

  static mvne_status datagram_trampoline(void*, void* data, mvne_context* ctx, mvne_str payload,
                                         mvne_str peer) {
    return detail::guarded(ctx, [&] {
      IngestContext c(ctx);
      return (*static_cast<DatagramHandler*>(data))(c, to_view(payload), to_view(peer));
    });
  }

  // deque: element addresses stay stable while handlers are added.
  std::deque<RouteHandler> routes_;
  std::deque<JobHandler> jobs_;
  std::deque<SpoolHandler> spools_;
  std::deque<DatagramHandler> datagrams_;
  std::deque<ExportHandler> exports_;
};

namespace detail {
template <typename T>
mvne_status start_plugin(mvne_context* ctx, void** out_state) {
  return guarded(ctx, [&] {
    auto plugin = std::make_unique<T>();
    Context c(ctx);
    Status status = plugin->start(c);
    if (status.ok()) *out_state = plugin.release();
    return status;
  });
}

inline mvne_status stop_plugin(mvne_context* ctx, void* state) {
  return guarded(ctx, [&] {
    std::unique_ptr<Plugin> plugin(static_cast<Plugin*>(state));
    Context c(ctx);
    return plugin ? plugin->stop(c) : Status::Ok();
  });
}
}  // namespace detail

}  // namespace mvne

namespace mvne {

// What a plugin declares beyond its name and version (ABI 1.3): the other plugins' record
// kinds it reads ("plugin.kind", granted by the operator in [plugins] read_grants) and its
// config keys, which the host then checks (docs/plugin-guide.md). Built once, by
// MVNE_PLUGIN_DESCRIBED; it keeps its own copies of every string.
class Description {
 public:
  Description& reads(std::string plugin_kind) {
    reads_.push_back(std::move(plugin_kind));
    return *this;
  }
  Description& key(std::string name, int32_t type, uint32_t flags = 0,
                   std::string default_value = {}, std::string help = {}) {
    keys_.push_back({std::move(name), type, flags, std::move(default_value), std::move(help)});
    return *this;
  }

  // The descriptor, pointing into this object, which must outlive it (a static).
  mvne_plugin_descriptor descriptor(mvne_str name, mvne_str version,
                                    mvne_status (*on_start)(mvne_context*, void**),
                                    mvne_status (*on_stop)(mvne_context*, void*)) {
    read_strs_.clear();
    for (const auto& r : reads_) read_strs_.push_back(to_str(r));
    key_specs_.clear();
    for (const auto& k : keys_) {
      key_specs_.push_back(
          {to_str(k.name), k.type, k.flags, to_str(k.default_value), to_str(k.help)});
    }
    return {sizeof(mvne_plugin_descriptor),
            MVNE_ABI_MAJOR,
            MVNE_ABI_MINOR,
            name,
            version,
            on_start,
            on_stop,
            read_strs_.data(),
            read_strs_.size(),
            key_specs_.data(),
            key_specs_.size()};
  }

 private:
  struct Key {
    std::string name;
    int32_t type;
    uint32_t flags;
    std::string default_value, help;
  };
  std::vector<std::string> reads_;
  std::vector<Key> keys_;
  std::vector<mvne_str> read_strs_;
  std::vector<mvne_config_key> key_specs_;
};

}  // namespace mvne

namespace mvne::detail {
// A string literal as an mvne_str; a `const char*`, whose length is unknown, does not compile.
template <size_t N>
constexpr mvne_str literal(const char (&text)[N]) {
  return mvne_str{text, N - 1};
}
}  // namespace mvne::detail

// Declares the plugin class `Class` under `name` (a string literal); use once per plugin, at
// namespace scope. MVNE_PLUGIN_DESCRIBED adds a mvne::Description (ABI 1.3):
//   MVNE_PLUGIN_DESCRIBED(Portal, "portal", "1.0.0",
//                         mvne::Description().reads("data_sessions.usage")
//                             .key("title", MVNE_CONFIG_TEXT, 0, "My MVNO", "page title"))
#define MVNE_PLUGIN(Class, name, version) \
  MVNE_PLUGIN_DESCRIBED(Class, name, version, ::mvne::Description())
#define MVNE_PLUGIN_DESCRIBED(Class, name, version, ...)                                    \
  extern "C" MVNE_PLUGIN_EXPORT const mvne_plugin_descriptor* mvne_plugin_entry(            \
      const mvne_host_api* host) {                                                          \
    if (host == nullptr || host->abi_major != MVNE_ABI_MAJOR) return nullptr;               \
    ::mvne::detail::host_table() = host;                                                    \
    static ::mvne::Description description = (__VA_ARGS__);                                 \
    static const mvne_plugin_descriptor descriptor = description.descriptor(                \
        ::mvne::detail::literal(name), ::mvne::detail::literal(version),                    \
        &::mvne::detail::start_plugin<Class>, &::mvne::detail::stop_plugin);                \
    return &descriptor;                                                                     \
  }

#endif  // MVNE_PLUGIN_HPP_
