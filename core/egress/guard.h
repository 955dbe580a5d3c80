// The egress guard (invariant 4): what a plugin sends out through the host (a response's
// headers and body, an export) is scanned for identifiers (MSISDN, IMSI, ICCID, account
// id, e-mail address) that belong to another principal. Both sides are compared in
// normalised form (IdentifierScan), so "090-2222-0001", "0 9 0 2 2 2 2 0 0 0 1" and
// "+819022220001" are one number. Allowed although another principal holds them:
//  - values of rows read under the same context (already checked to be the principal's):
//    a call record names the other party;
//  - what the requester itself sent (path, query, body, its own headers): echoing it back
//    tells the requester nothing, and refusing it would tell whether the value exists.
#pragma once

#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/egress/identifier_index.h"
#include "core/egress/identifier_scan.h"
#include "core/tenancy/identifiers.h"

namespace mvne::egress {

// What an output may contain although another principal holds it.
struct Allowance {
  const std::set<std::string>* read_values = nullptr;  // text values of rows read
  std::vector<std::string_view> sent;                  // what the requester sent
  // When the output began to be made (IdentifierIndex::refresh); unset: now.
  IdentifierIndex::Clock::time_point made_since{};
};

class Guard {
 public:
  Guard(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering);

  // Checks each of `parts` (scanned apart: no identifier spans two parts). Returns
  //  - Ok;
  //  - kFailedPrecondition naming (masked) the first identifier that is not the
  //    principal's: the output must be withheld (a principal of kind kNone may receive
  //    no known identifier it did not send);
  //  - kUnavailable when the identifier index cannot be read: nothing was checked, the
  //    output must be withheld, and this is no incident (answer 503, try again).
  Status check(const auth::Principal& principal, std::span<const std::string_view> parts,
               const Allowance& allowance);
  // One part; `read_values` as in Allowance.
  Status check(const auth::Principal& principal, std::string_view bytes,
               const std::set<std::string>& read_values);

  IdentifierIndex& index() { return index_; }

 private:
  IdentifierIndex index_;
  IdentifierScan scan_;
};

}  // namespace mvne::egress
