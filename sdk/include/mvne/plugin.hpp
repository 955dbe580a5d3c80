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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

// A borrowed view of one callback's context; never keep it past the callback.
class Context {
 public:
  explicit Context(mvne_context* ctx) : ctx_(ctx), host_(detail::host_table()) {}

  mvne_context* raw() const { return ctx_; }
  const mvne_host_api& host() const { return *host_; }

  void log(int32_t level, std::string_view message) const {
    host_->log(ctx_, level, to_str(message));
  }
  void info(std::string_view message) const { log(MVNE_LOG_INFO, message); }
  void warn(std::string_view message) const { log(MVNE_LOG_WARN, message); }

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
  std::string_view body() const { return to_view(request_->body); }
  std::string_view request_id() const { return to_view(request_->request_id); }

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

using RouteHandler = std::function<Status(RequestContext&)>;
using JobHandler = std::function<Status(Context&)>;

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
    mvne_route_spec spec{sizeof(mvne_route_spec), to_str(method), to_str(prefix), access,
                         &Plugin::route_trampoline, &routes_.back()};
    mvne_status code = ctx.host().register_route(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "route " + std::string(prefix) + " refused by host");
  }

  Status job(Context& ctx, std::string_view name, std::string_view schedule, JobHandler handler) {
    jobs_.push_back(std::move(handler));
    mvne_job_spec spec{sizeof(mvne_job_spec), to_str(name), to_str(schedule),
                       &Plugin::job_trampoline, &jobs_.back()};
    mvne_status code = ctx.host().register_job(ctx.raw(), &spec);
    return code == MVNE_OK ? Status::Ok()
                           : Status(code, "job " + std::string(name) + " refused by host");
  }

 private:
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

  // deque: element addresses stay stable while handlers are added.
  std::deque<RouteHandler> routes_;
  std::deque<JobHandler> jobs_;
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

// Declares the plugin class `Class` under `name`; use once per plugin, at namespace scope.
#define MVNE_PLUGIN(Class, name, version)                                                 \
  extern "C" MVNE_PLUGIN_EXPORT const mvne_plugin_descriptor* mvne_plugin_entry(          \
      const mvne_host_api* host) {                                                        \
    if (host == nullptr || host->abi_major != MVNE_ABI_MAJOR) return nullptr;             \
    ::mvne::detail::host_table() = host;                                                  \
    static const mvne_plugin_descriptor descriptor = {                                    \
        sizeof(mvne_plugin_descriptor), MVNE_ABI_MAJOR,     MVNE_ABI_MINOR,               \
        {name, sizeof(name) - 1},       {version, sizeof(version) - 1},                   \
        &::mvne::detail::start_plugin<Class>, &::mvne::detail::stop_plugin};              \
    return &descriptor;                                                                   \
  }

#endif  // MVNE_PLUGIN_HPP_
