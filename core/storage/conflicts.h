// Transactions that lost to another writer: a deadlock, a lock wait time-out, or (Galera) a
// certification conflict at COMMIT, which the server reports as a deadlock. The server rolled
// the loser back whole, so it is simply run again, after a random pause that grows with each
// loss (up to a cap) so that the racers spread out.
#pragma once

#include <chrono>
#include <functional>

#include "core/common/status.h"

namespace mvne::storage {

// True for the errors after which a transaction is run again.
bool is_conflict(const Status& st);

// How long a transaction that keeps losing is run again before its conflict is returned.
// Hot rows (the audit chain's head, written by every host) can lose many races in a row
// when three Galera nodes append at once, so this is a time budget, not a count.
inline constexpr std::chrono::milliseconds kConflictBudget{10000};

// Runs `attempt` (one whole transaction) until it does not end in a conflict or
// kConflictBudget has passed (pauses of 0.2 to 64 ms, random, so no racer is starved by
// others that happen to pause less); the last outcome.
Status run_again_on_conflict(const std::function<Status()>& attempt);

}  // namespace mvne::storage
