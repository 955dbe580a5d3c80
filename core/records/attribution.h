// Attribution by (identifier, event time): a record belongs to the holder whose assignment
// of each of its identifiers covers the event time. No match, several matches, or
// identifiers that disagree are not guessed at: the record is quarantined with the reason.
// There is no default tenant and no "current owner" fallback (invariant 3).
#pragma once

#include <functional>
#include <map>
#include <mutex>
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
  int64_t plan_id = 0;  // the line's plan under that assignment
  std::string holder;   // "tenant/account", for messages
  std::string reason;   // why not, when not attributed
};

// One assignment of an identifier.
struct Candidate {
  int64_t assignment_id = 0;
  int64_t tenant_id = 0;
  int64_t subscriber_id = 0;
  int64_t line_ref = 0;
  int64_t valid_from = 0;
  int64_t valid_to = 0;
  int64_t plan_id = 0;
  std::string holder;  // "tenant/account", for messages
};

// The assignments of (kind, normalised identifier) covering the event time.
using CandidateLookup = std::function<StatusOr<std::vector<Candidate>>(
    tenancy::IdKind kind, const std::string& identifier, int64_t event_time)>;

// `ids` are (kind, raw value) pairs; empty values are ignored.
StatusOr<Attribution> attribute(const std::vector<std::pair<tenancy::IdKind, std::string>>& ids,
                                int64_t event_time, const tenancy::NumberingPlan& numbering,
                                const CandidateLookup& lookup);

// A lookup that asks the database, one query per identifier.
CandidateLookup database_lookup(storage::Connection& c);

// A lookup over the assignments of a whole batch, loaded with a few IN (...) queries.
class BatchLookup {
 public:
  // `ids` are normalised (kind, identifier) pairs.
  static StatusOr<BatchLookup> load(
      storage::Connection& c, const std::vector<std::pair<tenancy::IdKind, std::string>>& ids);
  CandidateLookup lookup() const;

 private:
  friend class AssignmentCache;
  std::map<std::pair<int, std::string>, std::vector<Candidate>> by_identifier_;
};

// The assignments of identifiers seen in earlier batches, kept while the directory does
// not change (its version is read in the caller's transaction, so a move or an import by
// any process empties the cache). Shared by concurrent ingest calls.
class AssignmentCache {
 public:
  // A lookup covering `ids` (normalised), loading only what is not cached.
  StatusOr<BatchLookup> load(storage::Connection& c,
                             const std::vector<std::pair<tenancy::IdKind, std::string>>& ids);

 private:
  static constexpr size_t kMaxEntries = 2'000'000;
  std::mutex mu_;
  int64_t version_ = -1;                                                 // guarded by mu_
  std::map<std::pair<int, std::string>, std::vector<Candidate>> known_;  // guarded by mu_
};

}  // namespace mvne::records
