// The headers that keep a shared cache (a CDN, a carelessly configured proxy) from storing
// an answer meant for one principal and giving it to the next (seed cases 4 and 6).
#pragma once

#include "core/http/reply.h"

namespace mvne::http {

// Marks `reply` as one principal's: Cache-Control private, no-store; Vary on the credentials.
void mark_personal(Reply& reply);

}  // namespace mvne::http
