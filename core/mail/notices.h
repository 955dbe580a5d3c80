// The mail the platform writes itself, in Japanese and English: a consumer's password reset,
// data usage alerts, the monthly bill notice. Sent from [mail] from in the tenant's name, to
// the subscriber's own address; times in the tenant's zone.
#pragma once

#include <cstdint>
#include <string>

#include "core/billing/bills.h"
#include "core/mail/message.h"
#include "core/mail/mail_service.h"
#include "core/mail/tenant_mail.h"
#include "core/tenancy/directory.h"

namespace mvne::mail {

// Who a tenant's mail is from: the platform's address, the tenant's sender name and reply-to.
struct TenantSender {
  const MailSettings& settings;
  const tenancy::Tenant& tenant;
  const TenantMail& mail;
};

Message password_reset_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                              const std::string& token, int64_t expires_at);

// `percent` (80 or 100) of the month's data allowance used: `used` of `allowance` bytes.
Message usage_alert_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                           int percent,
                           const std::string& month, int64_t used, int64_t allowance);

// A month's bill is ready: its total and the month.
Message bill_notice(const TenantSender& from, const tenancy::Subscriber& subscriber,
                    const billing::Bill& bill);

// To the MVNO's contact: a daily export file was written (`file` its name, `rows` its rows).
Message export_ready_notice(const TenantSender& from, const std::string& plugin,
                           const std::string& date, const std::string& file, int64_t rows);

}  // namespace mvne::mail
