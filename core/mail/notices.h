// The mail the platform writes itself, in Japanese and English: a consumer's password reset.
// Sent from [mail] from, in the tenant's name; times in the tenant's zone.
#pragma once

#include <cstdint>
#include <string>

#include "core/mail/message.h"
#include "core/mail/mail_service.h"
#include "core/tenancy/directory.h"

namespace mvne::mail {

Message password_reset_notice(const MailSettings& settings, const tenancy::Tenant& tenant,
                              const tenancy::Subscriber& subscriber, const std::string& token,
                              int64_t expires_at);

}  // namespace mvne::mail
