#include "core/relay/hold_notice.h"

#include "core/common/local_time.h"
#include "core/common/time.h"

namespace mvne::relay {
namespace {

std::string listed(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += "      " + a + "\n";
  return out.empty() ? "      -\n" : out;
}

}  // namespace

mail::Message hold_notice(const mail::MailSettings& settings, const tenancy::Tenant& tenant,
                          const Held& held, const NoticeLinks& links) {
  auto offset = utc_offset_at(tenant.time_zone, held.release_at);
  const std::string until = format_time_us(held.release_at, offset.ok() ? offset.value() : 0);
  const std::string subject = held.subject.empty() ? "(no subject)" : held.subject;
  mail::Message m;
  m.from = {settings.from_name, settings.from};
  m.to = {{"", held.mailbox}};
  m.subject = "[保留中 / Held] " + subject.substr(0, 150);
  m.text = "送信メールを " + until +
           " まで保留しています。この時刻を過ぎると送信されます。\n"
           "Your message is held until " + until + "; it is sent then.\n\n"
           "  件名 / Subject: " + subject + "\n"
           "  To:\n" + listed(held.to) +
           "  Cc:\n" + listed(held.cc) +
           "  Bcc（あなただけに表示 / shown to you alone）:\n" + listed(held.bcc) +
           "\n今すぐ送信 / Send now:\n  " + links.release +
           "\n\n取り消し / Cancel:\n  " + links.cancel +
           "\n\nリンクは一度だけ、保留の終わりまで使えます。\n"
           "Each link works once, until the hold ends.\n";
  return m;
}

}  // namespace mvne::relay
