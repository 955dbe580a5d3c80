// The hold-and-notify relay's service: takes the messages the SMTP listeners accept, holds
// them per the tenant's policy, has the sender notified (hold_notice.h), and releases or
// cancels them on a signed link, an operator's command or the end of the hold. A worker
// (every second, on every host; each change is conditional, so hosts never act twice) queues
// pending notices and ends due holds. Used by the listeners (hooks()), the HTTP link pages
// and mvnectl.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/audit/audit_log.h"
#include "core/auth/consumer_accounts.h"
#include "core/common/periodic_worker.h"
#include "core/config/settings.h"
#include "core/mail/mail_service.h"
#include "core/relay/hold_queue.h"
#include "core/relay/mailboxes.h"
#include "core/relay/release_links.h"
#include "core/relay/smtp_server_session.h"
#include "core/tenancy/directory.h"

namespace mvne::relay {

class HoldService {
 public:
  // `public_url` is the base of the links (config [relay] public_url, or the HTTP address).
  HoldService(std::shared_ptr<storage::Database> db, config::RelayConfig config,
              std::string public_url, mail::MailService* mail, tenancy::Directory* directory,
              auth::ConsumerAccounts* accounts, audit::AuditLog* audit);
  ~HoldService();

  Mailboxes& mailboxes() { return mailboxes_; }
  HoldQueue& queue() { return queue_; }
  const config::RelayConfig& config() const { return config_; }

  // What a listener in `mode` checks passwords with and stores messages through.
  std::unique_ptr<SessionHooks> hooks(SessionMode mode);

  // A message accepted by a listener: held (a relay mailbox's), or in filter mode from a
  // sender with no mailbox, queued for delivery at once. Returns the reference for "250".
  StatusOr<std::string> accept(const Envelope& envelope, std::string data, SessionMode mode);

  // The link pages: whether the link is good and the message still held (Invalid: not a
  // good link; Precondition: expired, or no longer held, saying what became of it).
  StatusOr<Held> check_link(int64_t id, const std::string& action, int64_t expires_s,
                            const std::string& sig);
  // release or cancel, by "sender" (a link) or "operator".
  Status act(int64_t id, const std::string& action, const std::string& by);

  // One pass of the worker: pending notices queued, due holds ended. Returns what it did.
  int tick();
  void start();
  void stop();
  void wake() { worker_.wake(); }

  // Prometheus text: mvne_relay_messages_total{outcome=...}.
  std::string render_metrics();

 private:
  StatusOr<tenancy::Tenant> tenant(int64_t id);
  StatusOr<const ReleaseLinks*> links();  // the key is read (or made) on first use
  mail::OutboxOrigin origin(const Held& h, const std::string& tenant_code, const char* purpose);
  StatusOr<std::string> pass_through(const Envelope& envelope, std::string data);
  bool authenticate(const std::string& user, const std::string& password, const std::string& peer);
  bool notify(const Held& h);
  bool end_hold(const Held& h);

  std::shared_ptr<storage::Database> db_;
  const config::RelayConfig config_;
  const std::string public_url_;
  mail::MailService* mail_;
  tenancy::Directory* directory_;
  auth::ConsumerAccounts* accounts_;
  audit::AuditLog* audit_;
  Mailboxes mailboxes_;
  HoldQueue queue_;
  std::optional<ReleaseLinks> links_;  // loaded on first use
  std::mutex links_mu_;
  PeriodicWorker worker_{std::chrono::milliseconds(1000), [this] { tick(); }};

  friend class ListenerHooks;
};

}  // namespace mvne::relay
