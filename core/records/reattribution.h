// Corrections of the past never orphan a record (invariant 10). When an identifier loses
// part of its assignment history (a backdated move or end), the records already attributed
// through it in the lost window are attributed again, in the caller's transaction: to the
// window's new holder, or, when there is none or the record's identifiers now disagree, to
// quarantine with the reason. Each group of moved records (kind, earlier holder, new holder
// or quarantine) is written to `corrections`, so that the exposure report can show what the
// earlier holder may already have been sent.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"
#include "core/tenancy/identifiers.h"

namespace mvne::records {

// `identifier` (normalised) no longer belongs to tenant `tenant_id` in [from, to).
struct HistoryChange {
  tenancy::IdKind kind = tenancy::IdKind::kMsisdn;
  std::string identifier;
  int64_t tenant_id = 0;
  int64_t from = 0;
  int64_t to = 0;
};

struct Reattributed {
  int64_t examined = 0;     // records in the lost windows
  int64_t moved = 0;        // now attributed to another holder
  int64_t quarantined = 0;  // no holder now, identifiers that disagree, or a key clash
};

// Re-attributes the records `changes` cover, after the directory was changed in `c`.
// `why` names the change in quarantine reasons and in `corrections`.
StatusOr<Reattributed> reattribute(storage::Connection& c, const tenancy::NumberingPlan& numbering,
                                   const std::vector<HistoryChange>& changes,
                                   const std::string& why);

// One row of `corrections`: records of a kind moved from an earlier holder.
struct CorrectionRow {
  int64_t at = 0;
  std::string change;
  std::string plugin, kind;
  std::string from_tenant, from_account;  // the earlier holder
  std::string to_tenant, to_account;      // "" when quarantined
  int64_t records = 0;
  int64_t first_event = 0, last_event = 0;
  int64_t first_ingested = 0;  // since when the earlier holder could read them
};

// Corrections made in [from, to), of the earlier holder's tenant `tenant_code` ("" for all).
StatusOr<std::vector<CorrectionRow>> corrections(storage::Database& db, int64_t from, int64_t to,
                                                 const std::string& tenant_code);

}  // namespace mvne::records
