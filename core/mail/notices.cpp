#include "core/mail/notices.h"

#include <cstdio>
#include <map>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/log/log.h"
#include "core/mail/templates.h"

namespace mvne::mail {
namespace {

std::string name_of(const tenancy::Tenant& tenant) {
  return tenant.name.empty() ? tenant.code : tenant.name;
}

// From the platform's address, in the tenant's (or its chosen) name, with its reply-to.
Message addressed(const TenantSender& from, const std::string& to) {
  Message m;
  m.from = {from.mail.sender_name.empty()
                ? name_of(from.tenant) + " (" + from.settings.from_name + ")"
                : from.mail.sender_name,
            from.settings.from};
  if (!from.mail.reply_to.empty()) m.reply_to = {"", from.mail.reply_to};
  m.to = {{"", to}};
  return m;
}

// The tenant's template `name` filled with `values`, when it has one; otherwise `m` keeps the
// built-in wording. A broken template is logged and the built-in wording sent instead.
Message with_template(const TenantSender& from, const char* name,
                      std::map<std::string, std::string> values, Message m) {
  values["tenant"] = name_of(from.tenant);
  auto filled = fill_template(from.settings.templates_dir, from.tenant.code, name, values);
  if (filled.ok()) {
    m.subject = filled->subject;
    m.text = filled->text;
    m.html.clear();
  } else if (filled.status().code() != Code::kNotFound) {
    log::error("mail", filled.status().message() + " (the built-in wording is sent)");
  }
  return m;
}

std::string megabytes(int64_t bytes) {
  return std::to_string(bytes / 1000000) + "." + std::to_string(bytes % 1000000 / 100000) + " MB";
}

}  // namespace

Message usage_alert_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                           int percent, const std::string& month, int64_t used,
                           int64_t allowance) {
  const std::string name = name_of(from.tenant);
  const std::string pct = std::to_string(percent) + "%";
  const bool limited = percent >= 100;
  Message m = addressed(from, subscriber.email);
  m.subject = "【" + name + "】データ通信量が" + pct + "に達しました / " + pct +
              " of your data used";
  const std::string figures = megabytes(used) + " / " + megabytes(allowance);
  m.text = name + " をご利用のお客様へ\n\n" + month + " のデータ通信量がご利用可能量の " + pct +
           " に達しました（" + figures + "）。" +
           (limited ? "今月の残りの期間は通信速度が制限されます。" : "") +
           "\n\n----\n\nYou have used " + pct + " of your data for " + month + " (" + figures +
           ")." + (limited ? " Your speed is limited for the rest of the month." : "") + "\n";
  return with_template(from, limited ? "usage_alert_100" : "usage_alert_80",
                       {{"month", month}, {"percent", pct}, {"used", megabytes(used)},
                        {"allowance", megabytes(allowance)}},
                       std::move(m));
}

Message bill_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                    const billing::Bill& bill) {
  const std::string name = name_of(from.tenant);
  char total[64];
  std::snprintf(total, sizeof total, "%.0f", bill.total);
  Message m = addressed(from, subscriber.email);
  m.subject = "【" + name + "】" + bill.period + " のご請求額 / Your bill for " + bill.period;
  m.text = name + " をご利用のお客様へ\n\n" + bill.period + " のご請求額は " + total +
           " 円です。明細は会員ページでご確認いただけます。\n\n----\n\nYour bill for " +
           bill.period + " is " + total + " yen. The items are on your members' page.\n";
  return with_template(from, "bill_notice", {{"period", bill.period}, {"total", total}},
                       std::move(m));
}

Message export_ready_notice(const TenantSender& from, const std::string& plugin,
                           const std::string& date, const std::string& file, int64_t rows) {
  Message m = addressed(from, from.mail.contact);
  m.from.name = from.settings.from_name;  // the platform writes to the MVNO
  m.reply_to = {};
  m.subject = "[" + from.settings.from_name + "] " + plugin + " export " + date + " is ready";
  m.text = "The " + plugin + " export of " + date + " for " + from.tenant.code +
           " is in your export directory:\n\n    " + file + " (" + std::to_string(rows) +
           " rows)\n\nIts manifest beside it gives its SHA-256.\n";
  return with_template(from, "export_ready",
                       {{"plugin", plugin}, {"date", date}, {"file", file},
                        {"rows", std::to_string(rows)}},
                       std::move(m));
}

Message password_reset_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                              const std::string& token, int64_t expires_at) {
  const std::string name = name_of(from.tenant);
  auto offset = utc_offset_at(from.tenant.time_zone, expires_at);
  const std::string until = format_time_us(expires_at, offset.ok() ? offset.value() : 0);
  Message m = addressed(from, subscriber.email);
  m.subject = "【" + name + "】パスワード再設定 / Password reset";
  m.text = name + " をご利用のお客様へ\n\n"
               "会員ページのパスワード再設定の依頼を受け付けました。次のコードを " + until +
           " までに一度だけ使って、新しいパスワードを設定してください。\n\n"
           "    " + token + "\n\n"
           "お心当たりのない場合は、このメールを破棄してください。パスワードは変わりません。\n\n"
           "----\n\n"
           "A password reset was asked for your " + name +
           " account. Use this code once, before " + until +
           ", to choose a new password:\n\n"
           "    " + token + "\n\n"
           "If you did not ask for this, ignore this mail; your password stays as it is.\n";
  return with_template(from, "password_reset", {{"code", token}, {"until", until}}, std::move(m));
}

}  // namespace mvne::mail
