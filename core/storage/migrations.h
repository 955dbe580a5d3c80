// The host-owned schema, as numbered migrations applied in order at start-up, on both
// backends. A database whose schema is newer than this binary knows is refused.
#pragma once

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::storage {

// The schema version this binary writes.
int schema_version();

Status migrate(Database& db);

}  // namespace mvne::storage
