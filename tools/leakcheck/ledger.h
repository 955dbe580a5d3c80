// What the leak check sent against what the host stored: every call, message and RADIUS
// event once, attributed to the holder its id names (the number's holder at event time),
// nothing in quarantine (every record of the run is valid). A record stored for the wrong
// MVNO is a leak even if nobody reads it.
#pragma once

#include <memory>

#include "core/storage/database.h"
#include "tools/leakcheck/traffic.h"

namespace mvne::leakcheck {

// Prints the comparison; true when nothing was lost, duplicated or misattributed.
bool check_ledger(storage::Database& db, const TrafficCounts& sent);

}  // namespace mvne::leakcheck
