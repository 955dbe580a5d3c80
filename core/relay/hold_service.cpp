#include "core/relay/hold_service.h"

#include "core/auth/tokens.h"
#include "core/common/line_list.h"
#include "core/common/time.h"
#include "core/log/log.h"
#include "core/relay/hold_notice.h"
#include "core/relay/submitted_message.h"

namespace mvne::relay {

class ListenerHooks : public SessionHooks {
 public:
  ListenerHooks(HoldService* service, SessionMode mode) : service_(service), mode_(mode) {}
  bool authenticate(const std::string& user, const std::string& password,
                    const std::string& peer) override {
    return service_->authenticate(user, password, peer);
  }
  StatusOr<std::string> accept(const Envelope& envelope, std::string data) override {
    return service_->accept(envelope, std::move(data), mode_);
  }

 private:
  HoldService* service_;
  SessionMode mode_;
};

namespace {

constexpr int kBatch = 100;
constexpr char kThrottleScope[] = "relay";

// Same message, same sender, same envelope: a client resending after a lost "250".
std::string dedup_key(const std::string& prefix, const Envelope& e, const std::string& message_id) {
  return prefix + auth::hash_secret(e.mailbox + "\n" + e.from + "\n" + message_id + "\n" +
                                    join_lines(e.recipients));
}

auth::Principal tenant_principal(const tenancy::Tenant& t) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kTenant;
  p.tenant_id = t.id;
  p.tenant_code = t.code;
  p.time_zone = t.time_zone;
  return p;
}

}  // namespace

HoldService::HoldService(std::shared_ptr<storage::Database> db, config::RelayConfig config,
                         std::string public_url, mail::MailService* mail,
                         tenancy::Directory* directory, auth::ConsumerAccounts* accounts,
                         audit::AuditLog* audit)
    : db_(db),
      config_(std::move(config)),
      public_url_(std::move(public_url)),
      mail_(mail),
      directory_(directory),
      accounts_(accounts),
      audit_(audit),
      mailboxes_(db),
      queue_(db) {}

HoldService::~HoldService() { stop(); }

std::unique_ptr<SessionHooks> HoldService::hooks(SessionMode mode) {
  return std::make_unique<ListenerHooks>(this, mode);
}

StatusOr<tenancy::Tenant> HoldService::tenant(int64_t id) {
  auto all = directory_->tenants();
  if (!all.ok()) return all.status();
  for (const auto& t : all.value())
    if (t.id == id) return t;
  return Status::NotFound("no tenant with id " + std::to_string(id));
}

mail::OutboxOrigin HoldService::origin(const Held& h, const std::string& tenant_code,
                                       const char* purpose) {
  return {tenant_code, "relay", "mailbox:" + h.mailbox, purpose};
}

bool HoldService::authenticate(const std::string& user, const std::string& password,
                               const std::string& peer) {
  auto& throttle = accounts_->throttle();
  const int64_t now = now_us();
  auto verdict = throttle.check(kThrottleScope, user, peer, now);
  if (!verdict.ok() || !verdict->allowed) {
    log::warn("relay", "AUTH refused without checking (throttled) for a mailbox from " + peer);
    return false;
  }
  auto mailbox = mailboxes_.find(user);
  if (!mailbox.ok()) return false;
  // An unknown mailbox is checked against the decoy: the same work, the same answer.
  auto match = accounts_->passwords().verify(
      mailbox->has_value() ? mailbox->value().password_hash : "", password);
  if (match.ok() && match.value() && mailbox->has_value()) {
    (void)throttle.succeeded(kThrottleScope, user);
    return true;
  }
  auto after = throttle.failed(kThrottleScope, user, peer, now);
  log::warn("relay", "AUTH failed from " + peer +
                         (after.ok() && after->locked ? " (the mailbox is now locked)" : ""));
  return false;
}

StatusOr<std::string> HoldService::accept(const Envelope& envelope, std::string data,
                                          SessionMode mode) {
  const std::string address = mode == SessionMode::kSubmission ? envelope.mailbox : envelope.from;
  auto mailbox = mailboxes_.find(address);
  if (!mailbox.ok()) return mailbox.status();
  if (!mailbox->has_value()) {
    if (mode == SessionMode::kSubmission)
      return Status::Precondition("the mailbox " + address + " no longer exists");
    return pass_through(envelope, std::move(data));
  }
  const int64_t now = now_us();
  auto submitted = read_submitted(std::move(data), envelope.recipients, config_.hostname, now);
  if (!submitted.ok()) return submitted.status();
  auto policy = mailboxes_.policy(mailbox->value().tenant_id, {config_.hold_s, config_.on_expiry});
  if (!policy.ok()) return policy.status();
  Held h;
  h.tenant_id = mailbox->value().tenant_id;
  h.mailbox = mailbox->value().address;
  h.envelope_from = envelope.from;
  h.recipients = envelope.recipients;
  h.to = submitted->to;
  h.cc = submitted->cc;
  h.bcc = submitted->bcc;
  h.subject = submitted->subject;
  h.message_id = submitted->message_id;
  h.data = std::move(submitted->data);
  h.received_at = now;
  h.release_at = now + policy->hold_s * 1000000;
  bool stored_now = false;
  auto id = queue_.add(h, dedup_key("in:", envelope, h.message_id), &stored_now);
  if (!id.ok()) return id.status();
  if (stored_now && audit_ != nullptr) {
    audit::Entry e;
    e.principal = "mailbox:" + h.mailbox;
    e.action = "relay_held";
    e.row_count = static_cast<int64_t>(h.recipients.size());
    e.detail = "message " + std::to_string(id.value()) + " held for " +
               std::to_string(policy->hold_s) + " s, " + std::to_string(h.recipients.size()) +
               " recipient(s), " + std::to_string(h.bcc.size()) + " of them Bcc";
    (void)audit_->append(e);
  }
  wake();
  return "H" + std::to_string(id.value());
}

StatusOr<std::string> HoldService::pass_through(const Envelope& envelope, std::string data) {
  const int64_t now = now_us();
  auto submitted = read_submitted(std::move(data), envelope.recipients, config_.hostname, now);
  if (!submitted.ok()) return submitted.status();
  mail::Rendered r;
  r.envelope_from = envelope.from;
  r.recipients = envelope.recipients;
  r.data = std::move(submitted->data);
  const std::string key = dedup_key("pass:", envelope, submitted->message_id);
  auto earlier = mail_->outbox().find_key(key);
  if (!earlier.ok()) return earlier.status();
  if (earlier.value() != 0) return "M" + std::to_string(earlier.value());
  // A client's Message-ID is not unique; the outbox's key gets a random part.
  r.message_id = ("relay " + mail::new_message_id(config_.hostname) + " " + submitted->message_id)
                     .substr(0, 180);
  auto id = mail_->outbox().add({"", "relay", "sender:" + envelope.from, "relay_passed", key}, r, now);
  if (!id.ok()) return id.status();
  return "M" + std::to_string(id.value());
}

StatusOr<const ReleaseLinks*> HoldService::links() {
  std::lock_guard lock(links_mu_);
  if (!links_) {
    auto opened = ReleaseLinks::open(*db_);
    if (!opened.ok()) return opened.status();
    links_ = std::move(opened).value();
  }
  return &*links_;
}

StatusOr<Held> HoldService::check_link(int64_t id, const std::string& action, int64_t expires_s,
                                       const std::string& sig) {
  auto signer = links();
  if (!signer.ok()) return signer.status();
  if (action != "release" && action != "cancel") return Status::Invalid("this link is not valid");
  if (Status st = (*signer)->check(id, action, expires_s, sig, now_us() / 1000000); !st.ok())
    return st;
  auto h = queue_.get(id);
  if (!h.ok()) return h.status().code() == Code::kNotFound ? Status::Invalid("this link is not valid")
                                                            : h.status();
  if (h->state != "held")
    return Status::Precondition("this message is no longer held: it was " + h->state);
  return h;
}

Status HoldService::act(int64_t id, const std::string& action, const std::string& by) {
  auto h = queue_.get(id);
  if (!h.ok()) return h.status();
  auto t = tenant(h->tenant_id);
  if (!t.ok()) return t.status();
  const int64_t now = now_us();
  Status st = action == "release"
                  ? queue_.release(id, "released", by, now, origin(h.value(), t->code, "relay"))
                  : queue_.cancel(id, "cancelled", by, now);
  if (st.ok() && audit_ != nullptr && by == "sender") {  // mvnectl audits an operator's
    audit::Entry e;
    e.principal = "mailbox:" + h->mailbox;
    e.action = action == "release" ? "relay_released" : "relay_cancelled";
    e.row_count = static_cast<int64_t>(h->recipients.size());
    e.detail = "message " + std::to_string(id) + " " + action + "d by the " + by;
    (void)audit_->append(e);
  }
  return st;
}

bool HoldService::notify(const Held& h) {
  auto t = tenant(h.tenant_id);
  if (!t.ok()) return false;
  auto signer = links();
  if (!signer.ok()) return false;
  const int64_t expires = h.release_at / 1000000;
  NoticeLinks urls{(*signer)->url(public_url_, h.id, "release", expires),
                   (*signer)->url(public_url_, h.id, "cancel", expires)};
  mail::Message m = hold_notice(mail_->settings(), t.value(), h, urls);
  mail::OutboxOrigin o = origin(h, t->code, "relay_notice");
  o.dedup_key = "relay-notice:" + std::to_string(h.id);
  auto queued = mail_->submit(m, o, tenant_principal(t.value()));
  if (queued.ok()) return queue_.set_notice(h.id, "queued").ok();
  if (queued.status().code() == Code::kFailedPrecondition ||
      queued.status().code() == Code::kInvalidArgument) {
    log::error("relay", "the notice for held message " + std::to_string(h.id) +
                            " was not sent: " + queued.status().message());
    return queue_.set_notice(h.id, "withheld").ok();
  }
  return false;  // the database or the guard's index: tried again on the next pass
}

bool HoldService::end_hold(const Held& h) {
  auto t = tenant(h.tenant_id);
  auto policy = mailboxes_.policy(h.tenant_id, {config_.hold_s, config_.on_expiry});
  if (!t.ok() || !policy.ok()) {
    log::warn("relay", "held message " + std::to_string(h.id) + " stays held for now: " +
                           (t.ok() ? policy.status() : t.status()).message());
    return false;
  }
  const int64_t now = now_us();
  Status st = policy->on_expiry == "discard"
                  ? queue_.cancel(h.id, "discarded", "expiry", now)
                  : queue_.release(h.id, "expired", "expiry", now, origin(h, t->code, "relay"));
  if (!st.ok()) log::warn("relay", "ending the hold of message " + std::to_string(h.id) + ": " + st.message());
  return st.ok() || st.code() == Code::kFailedPrecondition;
}

int HoldService::tick() {
  int done = 0;
  auto pending = queue_.notices_pending(kBatch);
  if (pending.ok())
    for (const Held& h : pending.value()) done += notify(h);
  auto due = queue_.due(now_us(), kBatch);
  if (due.ok())
    for (const Held& h : due.value()) done += end_hold(h);
  if (!pending.ok() || !due.ok())
    log::warn("relay", "hold worker: " + (pending.ok() ? due.status() : pending.status()).message());
  if (done > 0) mail_->wake();
  return done;
}

void HoldService::start() { worker_.start(); }
void HoldService::stop() { worker_.stop(); }

std::string HoldService::render_metrics() {
  auto totals = queue_.totals();
  if (!totals.ok()) return "";
  std::string out =
      "# HELP mvne_relay_messages_total Messages of the hold-and-notify relay by outcome.\n"
      "# TYPE mvne_relay_messages_total counter\n";
  for (const auto& [outcome, n] : totals.value())
    out += "mvne_relay_messages_total{outcome=\"" + outcome + "\"} " + std::to_string(n) + "\n";
  return out;
}

}  // namespace mvne::relay
