// The mail host functions (ABI 1.4): a plugin's structured message checked, scanned by the
// egress guard for the callback's principal and queued in the host's outbox (core/mail/);
// the state of a message the same plugin queued for the same tenant.
#pragma once

#include <mvne/plugin.h>

namespace mvne::plugin {

mvne_status mail_send(mvne_context* ctx, const mvne_mail_message* message, int64_t* out_id);
mvne_status mail_state(mvne_context* ctx, int64_t id, mvne_str* out_state, mvne_str* out_reply);

}  // namespace mvne::plugin
