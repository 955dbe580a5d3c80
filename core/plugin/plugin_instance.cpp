#include "core/plugin/plugin_instance.h"

#include <algorithm>
#include <utility>

#include "core/log/log.h"
#include "core/plugin/context_table.h"

namespace mvne::plugin {
namespace {

const char* status_name(mvne_status code) {
  switch (code) {
    case MVNE_OK:
      return "ok";
    case MVNE_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case MVNE_ERR_NOT_FOUND:
      return "not found";
    case MVNE_ERR_PERMISSION_DENIED:
      return "permission denied";
    case MVNE_ERR_STALE_CONTEXT:
      return "stale context";
    case MVNE_ERR_WRONG_PHASE:
      return "wrong phase";
    case MVNE_ERR_UNAVAILABLE:
      return "unavailable";
    case MVNE_ERR_EGRESS_BLOCKED:
      return "egress blocked";
    case MVNE_ERR_INTERNAL:
      return "internal error";
    default:
      return nullptr;
  }
}

}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kStart:
      return "on_start";
    case Phase::kStop:
      return "on_stop";
    case Phase::kRequest:
      return "route handler";
    case Phase::kJob:
      return "job";
    case Phase::kIngest:
      return "ingest handler";
    case Phase::kExport:
      return "export handler";
  }
  return "callback";
}

PluginInstance::PluginInstance(std::string name, std::shared_ptr<PluginLibrary> library,
                               config::Section config, metrics::Metrics* metrics,
                               platform::Services* services, std::string base_dir,
                               CallLimits limits)
    : name_(std::move(name)),
      library_(std::move(library)),
      config_(std::move(config)),
      metrics_(metrics),
      services_(services),
      base_dir_(std::move(base_dir)),
      limits_(limits) {}

PluginInstance::~PluginInstance() = default;

Status PluginInstance::start() {
  CallScope scope{Phase::kStart, this, {}};
  scope.registrations = &registrations_;
  const auto on_start = library_->descriptor().on_start;
  Status st = call(scope, [&](mvne_context* ctx, void*) { return on_start(ctx, &state_); });
  started_ = st.ok();
  // The host owns the storage of the declared record kinds.
  for (const auto& kind : registrations_.kinds) {
    if (!st.ok()) break;
    st = services_ == nullptr
             ? Status::Unavailable("no storage for record kind '" + kind.kind + "'")
             : services_->records->ensure(kind);
  }
  if (!st.ok()) {
    close_listeners();
    if (started_) stop(std::chrono::milliseconds(0));
    metrics_->plugins().forget(name_);
    registrations_ = {};
    return st;
  }
  warn_about_reads();
  if (services_ != nullptr) services_->records->publish(name_, registrations_.kinds);
  return st;
}

void PluginInstance::warn_about_reads() const {
  const auto& declared = library_->reads();
  for (const auto& read : declared) {
    if (!granted_reads_.contains(read)) {
      log::warn("plugin:" + name_, "reads " + read +
                                       " (its descriptor says so), but [plugins] read_grants "
                                       "does not grant it: such reads are refused");
    }
  }
  for (const auto& grant : granted_reads_) {
    if (std::find(declared.begin(), declared.end(), grant) == declared.end()) {
      log::warn("plugin:" + name_, "[plugins] read_grants grants it " + grant +
                                       ", which its descriptor does not declare: the grant "
                                       "has no effect");
    }
  }
}

std::string PluginInstance::read_refusal(const std::string& owner_kind) const {
  const auto& declared = library_->reads();
  if (std::find(declared.begin(), declared.end(), owner_kind) == declared.end()) {
    return "plugin '" + name_ + "' does not declare that it reads " + owner_kind +
           " (descriptor reads)";
  }
  if (!granted_reads_.contains(owner_kind)) {
    return "reading " + owner_kind + " is not granted to plugin '" + name_ +
           "' ([plugins] read_grants = " + name_ + ":" + owner_kind + ")";
  }
  return {};
}

void PluginInstance::close_listeners() {
  for (auto& d : registrations_.datagrams) {
    if (services_ != nullptr && d.listener) {
      services_->datagrams->close(
          std::static_pointer_cast<ingest::DatagramHub::Listener>(d.listener));
    }
  }
}

void PluginInstance::stop(std::chrono::milliseconds timeout) {
  if (services_ != nullptr && started_) services_->records->withdraw(name_);
  metrics_->plugins().forget(name_);
  close_listeners();
  {
    std::unique_lock lock(mu_);
    closed_ = true;
    if (!drained_.wait_for(lock, timeout, [&] { return in_flight_ == 0; })) {
      log::warn("plugin:" + name_,
                std::to_string(in_flight_) + " call(s) still running after the shutdown timeout");
    }
  }
  if (!started_) return;
  started_ = false;
  CallScope scope{Phase::kStop, this, {}};
  const auto on_stop = library_->descriptor().on_stop;
  (void)invoke(scope, [&](mvne_context* ctx, void* state) { return on_stop(ctx, state); });
  state_ = nullptr;
}

const records::KindDef* PluginInstance::kind(const std::string& name) const {
  for (const auto& k : registrations_.kinds) {
    if (k.kind == name) return &k;
  }
  return nullptr;
}

bool PluginInstance::enter() {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  ++in_flight_;
  return true;
}

void PluginInstance::leave() {
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) drained_.notify_all();
}

Status PluginInstance::call(CallScope& scope, const RawCall& raw) {
  if (!enter()) return Status::Unavailable("plugin '" + name_ + "' is stopping");
  Status st = invoke(scope, raw);
  leave();
  return st;
}

Status PluginInstance::invoke(CallScope& scope, const RawCall& raw) {
  auto binding = ContextTable::instance().bind(&scope);
  if (!binding) return Status::Unavailable("no free context slot");
  mvne_status code = MVNE_OK;
  std::string failure;
  const char* reason = nullptr;
  try {
    code = raw(binding->handle(), state_);
  } catch (const std::exception& e) {
    failure = std::string("threw an exception: ") + e.what();
    reason = "exception";
  } catch (...) {
    failure = "threw an unknown exception";
    reason = "exception";
  }
  binding.reset();  // the handle dies with the callback
  if (reason == nullptr && code != MVNE_OK) {
    const char* name = status_name(code);
    if (name == nullptr) {
      failure = "returned an undefined status code " + std::to_string(code);
      reason = "bad_status";
    } else {
      failure = std::string("failed (") + name + ")" +
                (scope.error.empty() ? "" : ": " + scope.error) +
                (scope.host_refusal.empty() ? "" : " [host: " + scope.host_refusal + "]");
      reason = "error_status";
    }
  }
  if (reason == nullptr) return Status::Ok();
  std::string message = std::string(phase_name(scope.phase)) + " " + failure;
  // A route handler saying what it has for this request, not that it broke: nothing there
  // (404), or not offered now (503, to be retried).
  if (scope.http != nullptr && reason == std::string("error_status") &&
      (code == MVNE_ERR_NOT_FOUND || code == MVNE_ERR_UNAVAILABLE)) {
    log::write(log::Level::kWarn, "plugin:" + name_, scope.request_id, message);
    return code == MVNE_ERR_NOT_FOUND ? Status::NotFound(message) : Status::Unavailable(message);
  }
  if (scope.host_busy && code != MVNE_OK) {  // the host was over capacity, not the plugin
    log::write(log::Level::kWarn, "plugin:" + name_, scope.request_id, message);
    return Status::Unavailable(message);
  }
  // A datagram handler refusing its input is a deliberate drop (counted and logged as a
  // sample by the hub), not a fault of the plugin.
  if (scope.replies != nullptr && code == MVNE_ERR_INVALID_ARGUMENT) {
    return Status::Invalid(message);
  }
  log::write(log::Level::kError, "plugin:" + name_, scope.request_id, message);
  metrics_->count_plugin_error(name_, reason);
  return Status::Internal(message);
}

}  // namespace mvne::plugin
