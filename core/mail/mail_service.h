// The host's mail service: checks a message (message.h), scans it with the egress guard for
// anyone else's identifiers and addresses, renders it (mime.h), stores it in the outbox and
// audits it (the recipient count, never the addresses); a worker delivers the outbox to the
// relay, retrying with back-off until the relay accepts or refuses for good.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/audit/audit_log.h"
#include "core/auth/principal.h"
#include "core/common/periodic_worker.h"
#include "core/egress/guard.h"
#include "core/mail/outbox.h"
#include "core/mail/smtp_client.h"
#include "core/mail/tenant_mail.h"
#include "core/metrics/metrics.h"

namespace mvne::mail {

struct MailSettings {
  RelaySettings relay;      // relay.host empty: mail is queued, not sent ([mail] relay unset)
  std::string from;         // the platform's sender address, e.g. noreply@mvne.example
  std::string from_name;    // its display name
  std::string domain;       // in Message-IDs; default: the from address's domain
  std::string templates_dir;  // per-tenant notice templates (templates.h); empty: none
  int batch = 50;           // messages per connection
  int max_attempts = 12;    // then the message fails for good
  int64_t retry_base_s = 30;  // back-off: base * 2^(attempt-1), at most an hour
  int64_t lease_s = 600;      // a batch claimed by a deliverer that died waits this long
};

class MailService {
 public:
  MailService(std::shared_ptr<storage::Database> db, MailSettings settings, audit::AuditLog* audit,
              egress::Guard* guard);
  ~MailService();

  const MailSettings& settings() const { return settings_; }
  Outbox& outbox() { return outbox_; }
  TenantMailSettings& tenants() { return tenants_; }

  // Queues `m` for `principal` (its owner: who may receive what it says). Invalid: every
  // problem named; FailedPrecondition: the guard found someone else's identifier or address;
  // Unavailable: the database or the guard's index could not be reached. Returns the id; with
  // an origin.dedup_key already used, the earlier message's id, nothing is queued and
  // *queued_now (when given) is false.
  StatusOr<int64_t> submit(const Message& m, const OutboxOrigin& origin,
                           const auth::Principal& principal, bool* queued_now = nullptr);

  // One delivery pass: claims due messages and sends them over one connection. Returns how
  // many were accepted by the relay.
  int deliver_due();

  void start();  // a pass every second, in the background
  void stop();
  void wake() { worker_.wake(); }  // a pass now: something was queued

  // Prometheus text: messages queued here, and delivery outcomes of this host's worker.
  std::string render_metrics() const;

 private:
  std::shared_ptr<storage::Database> db_;
  const MailSettings settings_;
  audit::AuditLog* audit_;
  egress::Guard* guard_;
  Outbox outbox_;
  TenantMailSettings tenants_;
  std::atomic<uint64_t> queued_{0}, sent_{0}, failed_{0}, retried_{0};
  std::atomic<bool> stopping_{false};
  // A full batch is followed by the next one at once: a backlog drains at the relay's pace.
  PeriodicWorker worker_{std::chrono::milliseconds(1000), [this] {
    while (deliver_due() >= settings_.batch && !stopping_.load()) {
    }
  }};
};

// The problems of a [mail] configuration that would make every delivery fail, or "" .
std::string check_settings(const MailSettings& settings);

}  // namespace mvne::mail
