// The host-owned schema, as numbered migrations applied in order at start-up, on both
// backends. A database whose schema is newer than this binary knows is refused.
#pragma once

#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::storage {

// The schema version this binary writes.
int schema_version();

Status migrate(Database& db);

// One pass of migrate(), which takes another pass after a busy server or a conflict;
// `claimant` names this process in schema_claims (MariaDB).
Status migrate_once(Database& db, const std::string& claimant);

}  // namespace mvne::storage
