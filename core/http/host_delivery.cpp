#include "core/http/host_delivery.h"

#include "core/http/cache_headers.h"
#include "core/log/log.h"

namespace mvne::http {

Reply deliver(const IncomingRequest& request, platform::Services* services,
              const auth::Principal& principal, Reply reply, int64_t rows) {
  std::string content_type = "Content-Type: " + reply.content_type;
  std::string_view parts[] = {content_type, reply.body};
  egress::Allowance sent;
  sent.sent = {request.path, request.query};
  Status checked = services->guard->check(principal, parts, sent);
  if (!checked.ok()) {
    bool leak = checked.code() == Code::kFailedPrecondition;
    log::write(log::Level::kError, "egress", request.request_id,
               std::string(leak ? "blocked" : "not checked, withheld") + " the host's answer to " +
                   request.path + ": " + checked.message());
    if (leak) {
      (void)services->audit->append({0, 0, principal.describe(), "", "egress_blocked", "", 0,
                                     request.request_id, checked.message()});
    }
    return Reply::error(leak ? 500 : 503, leak ? "egress_blocked" : "unavailable",
                        leak ? "the response was withheld by the egress guard"
                             : "the response could not be checked; retry later",
                        request.request_id);
  }
  // Sent by the front end once this row is committed (invariant 8), 503 instead when not.
  reply.audit = std::make_shared<const audit::Entry>(
      audit::Entry{0, 0, principal.describe(), "", "http_response", "", rows, request.request_id,
                   request.method + " " + request.path});
  mark_personal(reply);
  return reply;
}

}  // namespace mvne::http
