// The host's table of one record kind: its name, the catalogue of declared kinds, and how
// one attributed record is placed in it: inserted, or settled against the row that already
// holds its dedup key (a duplicate, a stale row brought up to date, or a conflict).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/records/attribution.h"
#include "core/records/record_kind.h"
#include "core/storage/database.h"

namespace mvne::records {

// Every kind the plugins declared, as last declared (record_kinds).
StatusOr<std::vector<KindDef>> catalogue(storage::Connection& c);
StatusOr<KindDef> catalogued(storage::Connection& c, const std::string& plugin,
                             const std::string& kind);

// Fills the charge of a rated kind's records from their lines' plans (record, plan id).
Status rate(storage::Connection& c, const KindDef& k,
            const std::vector<std::pair<storage::Row*, int64_t>>& records_and_plans);

// The INSERT of `rows` attributed records (scope columns, keys, then the kind's fields) and
// the parameters of one of them.
std::string insert_sql(const KindDef& k, size_t rows = 1);
storage::Params insert_params(const KindDef& k, const Attribution& a, const storage::Row& record,
                              const std::string& source, int64_t now);

// The row of `k` holding dedup key `key`, if any.
struct StoredRow {
  int64_t id = 0;
  std::string content;
  int64_t tenant_id = 0, subscriber_id = 0, assignment_id = 0;
};
StatusOr<std::optional<StoredRow>> find_by_key(storage::Connection& c, const KindDef& k,
                                               const std::string& key);

// The rows of `k` holding any of `keys`, by key.
StatusOr<std::map<std::string, StoredRow>> find_by_keys(storage::Connection& c, const KindDef& k,
                                                        const std::vector<std::string>& keys);

enum class Placement {
  kStored,     // inserted
  kDuplicate,  // the same record is stored, visible to the same holder
  kRefreshed,  // the same record was stored under a holder that no longer covers it: moved
  kConflict,   // another record holds the key: nothing written
};

// Settles `record` (rated, attributed by `a`) against `existing`, the row holding its key.
StatusOr<Placement> settle(storage::Connection& c, const KindDef& k, const StoredRow& existing,
                           const Attribution& a, const storage::Row& record);

// Inserts `record` (rated, attributed by `a`) or settles it against the row holding its key.
StatusOr<Placement> place(storage::Connection& c, const KindDef& k, const Attribution& a,
                          const storage::Row& record, const std::string& source, int64_t now);

// The quarantine reason of a record whose key another record of its tenant holds.
std::string conflict_reason(const KindDef& k, const storage::Row& record,
                            const std::string& holder);

// Holds a record in quarantine under `key` (its content key), or reopens the released item
// of that key; a record pending already stays pending once.
Status quarantine_record(storage::Connection& c, const KindDef& k, const std::string& key,
                         const std::string& reason, const std::string& source,
                         const std::string& payload, int64_t now);

// Marks the pending quarantine items of `content_keys` (records now stored and visible)
// resolved, saying how.
Status resolve_quarantined(storage::Connection& c, const KindDef& k,
                           const std::vector<std::string>& content_keys,
                           const std::string& resolution, int64_t now);

}  // namespace mvne::records
