// Where plugin records live. The host owns the tables (one per record kind), attributes
// every record on the way in, quarantines what it cannot attribute, stores a record seen
// twice once, and adds the principal's scope to every read. Duplicates are recognised
// within the holder's tenant only: the kind's dedup fields and the tenant make the key;
// a record with a taken key and other content is quarantined, never dropped.
#pragma once

#include <mvne/plugin.h>

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/records/attribution.h"
#include "core/records/record_kind.h"
#include "core/storage/database.h"
#include "core/tenancy/identifiers.h"

namespace mvne::records {

struct IngestCounts {
  int64_t stored = 0;       // newly visible to their holder
  int64_t duplicates = 0;   // already stored and visible to the same holder
  int64_t quarantined = 0;  // in quarantine now (new, or pending there already)
};

struct Filter {
  std::string field;
  int32_t op = MVNE_FILTER_EQ;
  storage::Value value;
};

struct QuerySpec {
  int64_t from = std::numeric_limits<int64_t>::min();
  int64_t to = std::numeric_limits<int64_t>::max();
  std::vector<Filter> filters;
  int32_t aggregate = MVNE_AGG_NONE;
  std::string sum_field;
  int32_t group_by = MVNE_GROUP_NONE;
  std::string order_by;  // empty: event time
  bool descending = false;
  std::string cursor;
  uint32_t limit = 0;  // 0: 100; at most 10000
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<int32_t> types;  // MVNE_FIELD_* per column
  std::vector<storage::Row> rows;
  // Per row: the (tenant, subscriber) it is stored under, for the egress row check.
  std::vector<std::pair<int64_t, int64_t>> owners;
  std::string next_cursor;  // empty on the last page
};

struct QuarantineItem {
  int64_t id = 0;
  std::string plugin, kind, reason, source, payload;
  int64_t created_at = 0;
  int64_t released_at = 0;
  std::string resolution;  // how it left quarantine: released, stored by a later ingest, ...
};

class RecordStore {
 public:
  RecordStore(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering);

  // Creates the kind's table, or adds fields declared since; a changed type is refused, and
  // so is a new kind whose table name (rec_<plugin>_<kind>) another kind already has.
  Status ensure(const KindDef& kind);
  // The kind as last declared (for quarantine release when its plugin is not loaded).
  StatusOr<KindDef> catalogued(const std::string& plugin, const std::string& kind);

  // How identifiers are normalised here.
  const tenancy::NumberingPlan& numbering() const { return numbering_; }

  // The kinds of the plugins running in this host, for the reads other plugins are granted:
  // published when a plugin has started, withdrawn when it stops.
  void publish(const std::string& plugin, const std::vector<KindDef>& kinds);
  void withdraw(const std::string& plugin);
  // A running plugin's kind, or null.
  std::shared_ptr<const KindDef> live(const std::string& plugin, const std::string& kind) const;

  // Stores one batch: each record attributed and stored, a duplicate skipped, anything
  // else quarantined with the reason. `source` says where the batch came from. A stored
  // record's pending quarantine item (same content) is marked resolved.
  StatusOr<IngestCounts> submit(const KindDef& kind, const std::vector<storage::Row>& records,
                                const std::string& source);
  // The same inside the caller's transaction on `c` (a group commit of several batches).
  StatusOr<IngestCounts> submit_in(storage::Connection& c, const KindDef& kind,
                                   const std::vector<storage::Row>& records,
                                   const std::string& source);
  // Several kinds' batches inside the caller's transaction, attributed against one read of
  // the directory; counts in the order given.
  struct Submission {
    const KindDef* kind;
    const std::vector<storage::Row>* records;
    std::string source;
  };
  StatusOr<std::vector<IngestCounts>> submit_all_in(storage::Connection& c,
                                                    const std::vector<Submission>& submissions);

  // A read scoped to `principal` (a tenant or a consumer; anything else is refused).
  StatusOr<QueryResult> query(const KindDef& kind, const auth::Principal& principal,
                              const QuerySpec& spec);

  // Quarantines an input line that could not be parsed into a record, under
  // "source:line_number". True when new, false when that line was quarantined before.
  StatusOr<bool> quarantine_line(const KindDef& kind, const std::string& source,
                                 int64_t line_number, const std::string& line,
                                 const std::string& reason);

  StatusOr<std::vector<QuarantineItem>> quarantine(bool include_released);
  // One item, read by its id.
  StatusOr<QuarantineItem> quarantined(int64_t id);
  // Re-attributes a quarantined record; when it now has exactly one holder, stores it (or
  // finds it stored and visible to that holder: a duplicate) and marks it released; else
  // fails with the reason it still cannot be attributed or stored, and it stays pending.
  // Success always means the record is visible to its holder.
  StatusOr<IngestCounts> release(int64_t id);

 private:
  std::shared_ptr<storage::Database> db_;
  tenancy::NumberingPlan numbering_;
  AssignmentCache assignments_;
  mutable std::mutex live_mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const KindDef>> live_;
};

}  // namespace mvne::records
