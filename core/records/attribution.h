// Attribution by (identifier, event time): a record belongs to the holder whose assignment
// of each of its identifiers covers the event time. No match, several matches, or
// identifiers that disagree are not guessed at: the record is quarantined with the reason.
// There is no default tenant and no "current owner" fallback (invariant 3).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"
#include "core/tenancy/identifiers.h"

namespace mvne::records {

struct Attribution {
  bool attributed = false;
  int64_t tenant_id = 0;
  int64_t subscriber_id = 0;
  int64_t assignment_id = 0;  // of the first identifier
  int64_t line_ref = 0;
  std::string reason;  // why not, when not attributed
};

// `ids` are (kind, raw value) pairs; empty values are ignored.
StatusOr<Attribution> attribute(storage::Connection& c,
                                const std::vector<std::pair<tenancy::IdKind, std::string>>& ids,
                                int64_t event_time, const tenancy::NumberingPlan& numbering);

}  // namespace mvne::records
