// Transactions that lost to another writer: a deadlock, a lock wait time-out, or (Galera) a
// certification conflict at COMMIT, which the server reports as a deadlock. The server rolled
// the loser back whole, so it is simply run again, after a random pause that grows with each
// loss so that the racers spread out.
#pragma once

#include <functional>

#include "core/common/status.h"

namespace mvne::storage {

// True for the errors after which a transaction is run again.
bool is_conflict(const Status& st);

// Runs `attempt` (one whole transaction) until it does not end in a conflict, at most 16
// times (pauses of up to 64 ms, about half a second in all); the last outcome.
Status run_again_on_conflict(const std::function<Status()>& attempt);

}  // namespace mvne::storage
