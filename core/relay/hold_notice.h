// The notice a sender gets for each held message, in Japanese and English: every recipient
// (To, Cc, and the sender's own Bcc, labelled as seen by the sender alone), when the message
// goes, and the send-now and cancel links. It is addressed to the mailbox that submitted the
// message and to nobody else; there is no parameter that could address it elsewhere.
#pragma once

#include <string>

#include "core/mail/mail_service.h"
#include "core/mail/message.h"
#include "core/relay/hold_queue.h"
#include "core/tenancy/directory.h"

namespace mvne::relay {

struct NoticeLinks {
  std::string release, cancel;
};

mail::Message hold_notice(const mail::MailSettings& settings, const tenancy::Tenant& tenant,
                          const Held& held, const NoticeLinks& links);

}  // namespace mvne::relay
