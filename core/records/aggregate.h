// Counts and sums over a scoped read, grouped by line, by calendar day in the principal's
// time zone ("YYYY-MM-DD"), or both. The database groups by line and quarter hour (every zone's
// offset is a whole number of quarter hours); the quarters are then folded into local days, so a
// day is the tenant's day whatever its length (23 or 25 hours on DST changes).
#pragma once

#include "core/auth/principal.h"
#include "core/records/record_kind.h"
#include "core/records/record_store.h"
#include "core/storage/database.h"

namespace mvne::records {

// `where` and `params`: the scoped FROM/WHERE clause RecordStore::query built.
StatusOr<QueryResult> aggregate(storage::Connection& c, const KindDef& kind,
                                const auth::Principal& principal, const QuerySpec& spec,
                                const std::string& where, const storage::Params& params);

}  // namespace mvne::records
