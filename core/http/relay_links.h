// The pages behind a held message's send-now and cancel links (docs/relay.md):
//
//   GET  /relay/v1/held/<id>/<release|cancel>?expires=..&sig=..   what the link will do, and
//                                                                   a button that does it
//   POST (the same URL)                                            does it, once
//
// A GET never changes anything, so a mail client or scanner that fetches links in advance
// cannot send or cancel a message. The pages show the subject and how many recipients,
// never an address; they are not cached (Cache-Control: no-store) nor framed, and send no
// Referer.
#pragma once

#include <string_view>

#include "core/http/incoming_request.h"
#include "core/http/reply.h"
#include "core/relay/hold_service.h"

namespace mvne::http {

inline constexpr int kRelayLinkBodyLimit = 1024;

bool is_relay_link_path(std::string_view path);

Reply relay_link(const IncomingRequest& request, relay::HoldService* service);

}  // namespace mvne::http
