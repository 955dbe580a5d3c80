#include "core/relay/relay_listeners.h"

namespace mvne::relay {
namespace {

ListenerOptions options_for(const config::RelayConfig& c, const std::string& listen,
                            SessionMode mode) {
  ListenerOptions o;
  o.listen = listen;
  o.mode = mode;
  o.limits.max_bytes = static_cast<size_t>(c.max_message_kib) * 1024;
  o.limits.max_recipients = static_cast<size_t>(c.max_recipients);
  o.hostname = c.hostname;
  if (mode == SessionMode::kSubmission) {
    o.tls_cert = c.tls_cert;
    o.tls_key = c.tls_key;
  }
  o.max_connections = c.max_connections;
  o.idle_timeout_s = c.idle_timeout_s;
  return o;
}

}  // namespace

StatusOr<std::unique_ptr<RelayListeners>> RelayListeners::start(const config::RelayConfig& c,
                                                                HoldService* service) {
  auto out = std::unique_ptr<RelayListeners>(new RelayListeners());
  out->service_ = service;
  if (!c.listen.empty()) {
    if (c.tls_cert.empty() != c.tls_key.empty())
      return Status::Invalid("relay: set both tls_cert and tls_key, or neither");
    out->submission_ = std::make_unique<SmtpListener>(
        options_for(c, c.listen, SessionMode::kSubmission),
        [service] { return service->hooks(SessionMode::kSubmission); });
    if (Status st = out->submission_->start(); !st.ok()) return st;
  }
  if (!c.filter_listen.empty()) {
    out->filter_ = std::make_unique<SmtpListener>(
        options_for(c, c.filter_listen, SessionMode::kFilter),
        [service] { return service->hooks(SessionMode::kFilter); });
    if (Status st = out->filter_->start(); !st.ok()) {
      out->stop();
      return st;
    }
  }
  service->start();
  return out;
}

RelayListeners::~RelayListeners() { stop(); }

void RelayListeners::stop() {
  if (submission_) submission_->stop();
  if (filter_) filter_->stop();
  if (service_ != nullptr) service_->stop();
}

uint16_t RelayListeners::submission_port() const { return submission_ ? submission_->port() : 0; }
uint16_t RelayListeners::filter_port() const { return filter_ ? filter_->port() : 0; }

}  // namespace mvne::relay
