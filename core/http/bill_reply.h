// Bills as an HTTP body: JSON, or CSV when asked (?format=csv or Accept: text/csv), the same
// for an MVNO's bills of a month and a consumer's own.
#pragma once

#include <string>
#include <vector>

#include "core/billing/bills.h"
#include "core/http/incoming_request.h"
#include "core/http/reply.h"

namespace mvne::http {

// `month` goes into the JSON when not empty.
Reply bill_reply(const IncomingRequest& request, const std::vector<billing::Bill>& bills,
                 const std::string& month);

}  // namespace mvne::http
