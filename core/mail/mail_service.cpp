#include "core/mail/mail_service.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/common/time.h"
#include "core/log/log.h"

namespace mvne::mail {
namespace {

constexpr int64_t kMaxBackoffUs = 3600LL * 1000000;

std::string domain_of(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

}  // namespace

MailService::MailService(std::shared_ptr<storage::Database> db, MailSettings settings,
                         audit::AuditLog* audit, egress::Guard* guard)
    : db_(db),
      settings_(std::move(settings)),
      audit_(audit),
      guard_(guard),
      outbox_(db),
      tenants_(db) {}

MailService::~MailService() { stop(); }

StatusOr<int64_t> MailService::submit(const Message& m, const OutboxOrigin& origin,
                                      const auth::Principal& principal, bool* queued_now) {
  if (queued_now != nullptr) *queued_now = false;
  if (Status st = validate(m); !st.ok()) return st;
  if (!origin.dedup_key.empty()) {
    auto earlier = outbox_.find_key(origin.dedup_key);
    if (!earlier.ok()) return earlier.status();
    if (earlier.value() != 0) return earlier.value();
  }
  if (guard_ != nullptr) {
    std::string recipients;
    for (const auto& r : envelope_recipients(m)) recipients += r + "\n";
    std::vector<std::string_view> parts = {recipients, m.reply_to.email, m.subject, m.text, m.html};
    for (const auto* list : {&m.to, &m.cc, &m.bcc})
      for (const auto& a : *list) parts.push_back(a.name);
    if (Status st = guard_->check(principal, parts, {}); !st.ok()) {
      if (st.code() == Code::kFailedPrecondition) {
        log::error("mail", "mail withheld (" + origin.purpose + " for " + principal.describe() +
                               "): " + st.message());
      }
      return st;
    }
  }
  const std::string domain = settings_.domain.empty() ? domain_of(m.from.email) : settings_.domain;
  Rendered rendered = render(m, now_us(), domain);
  auto id = outbox_.add(origin, rendered, now_us());
  if (!id.ok() && !origin.dedup_key.empty() && id.status().code() == Code::kFailedPrecondition) {
    // Another host queued the same message between the look-up above and this insert.
    auto earlier = outbox_.find_key(origin.dedup_key);
    if (earlier.ok() && earlier.value() != 0) return earlier.value();
  }
  if (!id.ok()) return id.status();
  if (audit_ != nullptr) {
    audit::Entry e;
    e.principal = principal.describe();
    e.plugin = origin.sender == "host" ? "" : origin.sender;
    e.action = "mail_queued";
    e.row_count = static_cast<int64_t>(rendered.recipients.size());
    e.detail = origin.purpose + " mail " + std::to_string(id.value()) + " to " +
               std::to_string(rendered.recipients.size()) + " recipient(s)";
    if (Status st = audit_->append(e); !st.ok()) {
      (void)outbox_.cancel(id.value(), now_us());  // never sent unaudited
      return Status::Unavailable("mail not audited: " + st.message());
    }
  }
  ++queued_;
  wake();
  if (queued_now != nullptr) *queued_now = true;
  return id;
}

int MailService::deliver_due() {
  if (settings_.relay.host.empty()) return 0;
  const int64_t lease_us = settings_.lease_s * 1000000;
  auto due = outbox_.claim_due(settings_.batch, now_us(), lease_us);
  if (!due.ok()) {
    log::warn("mail", "outbox not readable: " + due.status().message());
    return 0;
  }
  if (due->empty()) return 0;
  auto give_back = [&](const OutboxEntry& e, const std::string& why) {
    if (e.attempts >= settings_.max_attempts) {
      ++failed_;
      (void)outbox_.mark_failed(
          e.id, why + " (gave up after " + std::to_string(e.attempts) + " attempts)", now_us());
      log::error("mail", "mail " + std::to_string(e.id) + " failed for good: " + why);
      return;
    }
    ++retried_;
    int64_t backoff = settings_.retry_base_s * 1000000 << std::min<int64_t>(e.attempts - 1, 20);
    (void)outbox_.retry_at(e.id, why, now_us() + std::min(backoff, kMaxBackoffUs));
  };
  auto session = SmtpSession::open(settings_.relay);
  if (!session.ok()) {
    log::warn("mail", session.status().message() + "; " + std::to_string(due->size()) +
                          " message(s) wait in the outbox");
    for (const auto& e : *due) give_back(e, session.status().message());
    return 0;
  }
  int sent = 0;
  for (auto& e : *due) {
    if (!(*session)->usable()) {
      give_back(e, "connection to the relay lost");
      continue;
    }
    // A slow relay can outlast the batch's lease: renewed while a send still fits, and not
    // sent here once another deliverer (another host) has taken the message over.
    if (e.lease_until - now_us() < 2 * int64_t{settings_.relay.timeout_ms} * 1000) {
      auto kept = outbox_.renew(e, now_us() + lease_us);
      if (!kept.ok() || !kept.value()) {
        log::warn("mail", "mail " + std::to_string(e.id) + " not sent here: " +
                              (kept.ok() ? "its lease ran out and another deliverer took it"
                                         : kept.status().message()));
        continue;
      }
    }
    Delivery d = (*session)->send(e.envelope_from, e.recipients, e.data);
    switch (d.outcome) {
      case Delivery::kSent:
        (void)outbox_.mark_sent(e.id, d.reply, now_us());
        ++sent;
        ++sent_;
        break;
      case Delivery::kPermanent:
        (void)outbox_.mark_failed(e.id, d.reply, now_us());
        ++failed_;
        log::error("mail", "mail " + std::to_string(e.id) + " (" + e.purpose +
                               ") refused by the relay for good: " + d.reply);
        break;
      case Delivery::kTemporary:
        give_back(e, d.reply);
        break;
    }
  }
  (*session)->quit();
  return sent;
}

void MailService::start() {
  stopping_ = false;
  if (!settings_.relay.host.empty()) worker_.start();
}

void MailService::stop() {
  stopping_ = true;
  worker_.stop();
}

std::string MailService::render_metrics() const {
  std::string out =
      "# HELP mvne_mail_messages_total Mail queued in the outbox here, and what this host's "
      "delivery made of it (retry: a temporary failure, tried again later).\n"
      "# TYPE mvne_mail_messages_total counter\n";
  for (const auto& [outcome, n] : {std::pair{"queued", &queued_},
                                   {"sent", &sent_},
                                   {"failed", &failed_},
                                   {"retry", &retried_}}) {
    out += std::string("mvne_mail_messages_total{outcome=\"") + outcome + "\"} " +
           std::to_string(n->load()) + "\n";
  }
  return out;
}

std::string check_settings(const MailSettings& s) {
  std::vector<std::string> problems;
  if (s.relay.starttls != "off" && s.relay.starttls != "optional" && s.relay.starttls != "required")
    problems.push_back("starttls: '" + s.relay.starttls + "' is not off, optional or required");
  Message probe;
  probe.from = {s.from_name, s.from};
  probe.to = {{"", "probe@example.invalid"}};
  probe.text = "x";
  if (!s.from.empty() && !validate(probe).ok())
    problems.push_back("from: '" + s.from + "' is not an address");
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace mvne::mail
