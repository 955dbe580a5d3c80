#include "core/mail/consumer_notices.h"

#include <map>

#include "core/common/time.h"
#include "core/log/log.h"
#include "core/mail/notices.h"

namespace mvne::mail {
namespace {

auth::Principal consumer(const tenancy::Tenant& t, const tenancy::Subscriber& s) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kConsumer;
  p.tenant_id = t.id;
  p.tenant_code = t.code;
  p.time_zone = t.time_zone;
  p.subscriber_id = s.id;
  p.account_id = s.account_id;
  return p;
}

}  // namespace

int64_t ConsumerNotices::now_us_() { return now_us(); }

bool ConsumerNotices::queue_once(const Message& m, const OutboxOrigin& origin,
                                 const auth::Principal& who) {
  bool queued = false;
  auto id = services_->mail->submit(m, origin, who, &queued);
  if (!id.ok()) {
    log::warn("mail", origin.purpose + " for " + who.describe() + ": " + id.status().message());
  }
  return queued;
}

int ConsumerNotices::check_usage(int64_t now) {
  platform::Services& s = *services_;
  auto tenants = s.directory->tenants();
  if (!tenants.ok()) {
    log::warn("mail", "usage alerts: " + tenants.status().message());
    return 0;
  }
  int queued = 0;
  for (const auto& tenant : tenants.value()) {
    auto plans = s.directory->plans(tenant.code);
    auto subscribers = s.directory->subscribers(tenant.code);
    auto tenant_mail = s.mail->tenants().get(tenant.code);
    if (!plans.ok() || !subscribers.ok() || !tenant_mail.ok()) continue;
    const TenantSender from{s.mail->settings(), tenant, tenant_mail.value()};
    std::map<std::string, int64_t> quota;
    for (const auto& p : plans.value()) quota[p.code] = p.data_quota_bytes;
    for (const auto& sub : subscribers.value()) {
      if (quota[sub.plan_code] <= 0 || sub.email.empty()) continue;
      auth::Principal who = consumer(tenant, sub);
      auto balance = s.allowance->balance(who, "", now);
      if (!balance.ok()) continue;
      const int64_t allowance = balance->quota + balance->carried_over;
      for (int percent : {80, 100}) {
        if (allowance <= 0 || balance->used * 100 < allowance * percent) continue;
        queued += queue_once(
            usage_alert_notice(from, sub, percent, balance->month, balance->used, allowance),
                             {tenant.code, "host", who.describe(), "usage_alert",
                              "usage" + std::to_string(percent) + ":" + std::to_string(sub.id) +
                                  ":" + balance->month},
                             who);
      }
    }
  }
  return queued;
}

int ConsumerNotices::bills_closed(const std::string& tenant_code, const std::string& period) {
  platform::Services& s = *services_;
  auto tenant = s.directory->tenant(tenant_code);
  auto bills = s.bills->of_tenant(tenant_code, period);
  auto subscribers = s.directory->subscribers(tenant_code);
  auto tenant_mail = s.mail->tenants().get(tenant_code);
  if (!tenant.ok() || !bills.ok() || !subscribers.ok() || !tenant_mail.ok()) {
    log::warn("mail", "bill notices for " + tenant_code + " " + period + ": not readable");
    return 0;
  }
  std::map<std::string, const tenancy::Subscriber*> by_account;
  for (const auto& sub : subscribers.value()) by_account[sub.account_id] = &sub;
  int queued = 0;
  for (const auto& bill : bills.value()) {
    auto it = by_account.find(bill.account_id);
    if (it == by_account.end() || it->second->email.empty()) continue;
    auth::Principal who = consumer(tenant.value(), *it->second);
    const TenantSender from{s.mail->settings(), tenant.value(), tenant_mail.value()};
    queued += queue_once(bill_notice(from, *it->second, bill),
                         {tenant_code, "host", who.describe(), "bill_notice",
                          "bill:" + std::to_string(bill.id)},
                         who);
  }
  return queued;
}

}  // namespace mvne::mail
