// The egress guard (invariant 4): what a plugin sends out through the host is checked for
// identifiers (MSISDN, IMSI, ICCID, account id, e-mail address) that belong to another
// principal. Values that came from rows read under the same context (and so were already
// checked to be the principal's) are allowed: a call record names the other party.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/egress/identifier_index.h"
#include "core/tenancy/identifiers.h"

namespace mvne::egress {

class Guard {
 public:
  Guard(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering);

  // Ok, or kFailedPrecondition naming (masked) the first identifier that is not the
  // principal's. A principal of kind kNone may receive no known identifier at all.
  Status check(const auth::Principal& principal, std::string_view bytes,
               const std::set<std::string>& allowed);

  IdentifierIndex& index() { return index_; }

 private:
  bool belongs(const auth::Principal& principal, const std::string& token) const;

  IdentifierIndex index_;
  tenancy::NumberingPlan numbering_;
};

}  // namespace mvne::egress
