#include "core/mail/notices.h"

#include "core/common/local_time.h"
#include "core/common/time.h"

namespace mvne::mail {

Message password_reset_notice(const MailSettings& settings, const tenancy::Tenant& tenant,
                              const tenancy::Subscriber& subscriber, const std::string& token,
                              int64_t expires_at) {
  const std::string name = tenant.name.empty() ? tenant.code : tenant.name;
  auto offset = utc_offset_at(tenant.time_zone, expires_at);
  const std::string until = format_time_us(expires_at, offset.ok() ? offset.value() : 0);
  Message m;
  m.from = {name.empty() ? settings.from_name : name + " (" + settings.from_name + ")",
            settings.from};
  m.to = {{"", subscriber.email}};
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
  return m;
}

}  // namespace mvne::mail
