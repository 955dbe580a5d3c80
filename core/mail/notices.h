// The mail the platform writes itself, in Japanese and English: a consumer's password reset,
// data usage alerts, the monthly bill notice. Sent from [mail] from in the tenant's name, to
// the subscriber's own address; times in the tenant's zone.
#pragma once

#include <cstdint>
#include <string>

#include "core/billing/bills.h"
#include "core/mail/message.h"
#include "core/mail/mail_service.h"
#include "core/tenancy/directory.h"

namespace mvne::mail {

Message password_reset_notice(const MailSettings& settings, const tenancy::Tenant& tenant,
                              const tenancy::Subscriber& subscriber, const std::string& token,
                              int64_t expires_at);

// `percent` (80 or 100) of the month's data allowance used: `used` of `allowance` bytes.
Message usage_alert_notice(const MailSettings& settings, const tenancy::Tenant& tenant,
                           const tenancy::Subscriber& subscriber, int percent,
                           const std::string& month, int64_t used, int64_t allowance);

// A month's bill is ready: its total and the month.
Message bill_notice(const MailSettings& settings, const tenancy::Tenant& tenant,
                    const tenancy::Subscriber& subscriber, const billing::Bill& bill);

}  // namespace mvne::mail
