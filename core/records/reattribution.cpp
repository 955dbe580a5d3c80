#include "core/records/reattribution.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/common/time.h"
#include "core/records/attribution.h"
#include "core/records/record_codec.h"
#include "core/records/record_table.h"

namespace mvne::records {
namespace {

using storage::as_int;
using storage::as_text;

// Records of one kind moved from one holder to another (0, 0: to quarantine).
struct Group {
  int64_t records = 0;
  int64_t first_event = INT64_MAX, last_event = INT64_MIN, first_ingested = INT64_MAX;
};
using GroupKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;  // from t, s; to t, s

struct CoveredRow {
  int64_t id, tenant_id, subscriber_id, assignment_id, event_time, ingested_at;
  std::string source;
  storage::Row record;
};

// The stored records of `k` attributed to the change's tenant in its window that carry its
// identifier in any field of its kind.
StatusOr<std::vector<CoveredRow>> covered(storage::Connection& c, const KindDef& k,
                                          const HistoryChange& change) {
  std::string match;
  storage::Params params = {change.tenant_id, change.from, change.to};
  for (const auto& [kind, index] : k.identifiers) {
    if (kind != change.kind) continue;
    match += (match.empty() ? "" : " OR ") + std::string("f_") + k.fields[index].name + " = ?";
    params.push_back(change.identifier);
  }
  if (match.empty()) return std::vector<CoveredRow>();
  std::string sql =
      "SELECT id, tenant_id, subscriber_id, assignment_id, event_time, ingested_at, source";
  for (const auto& f : k.fields) sql += ", f_" + f.name;
  auto rows = c.query(sql + " FROM " + k.table +
                          " WHERE tenant_id = ? AND event_time >= ? AND event_time < ? AND (" +
                          match + ") ORDER BY id",
                      params);
  if (!rows.ok()) return rows.status();
  std::vector<CoveredRow> out;
  for (const auto& r : rows.value()) {
    out.push_back({as_int(r[0]), as_int(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4]),
                   as_int(r[5]), as_text(r[6]), storage::Row(r.begin() + 7, r.end())});
  }
  return out;
}

Status remove(storage::Connection& c, const KindDef& k, int64_t id) {
  return c.execute("DELETE FROM " + k.table + " WHERE id = ?", {id});
}

// Attributes one covered record again; returns where it went (its new holder, or 0, 0).
StatusOr<std::pair<int64_t, int64_t>> redo(storage::Connection& c,
                                           const tenancy::NumberingPlan& numbering,
                                           const KindDef& k, CoveredRow& r, const std::string& why,
                                           int64_t now, bool& unchanged) {
  unchanged = false;
  std::vector<std::pair<tenancy::IdKind, std::string>> ids;
  for (const auto& [kind, index] : k.identifiers) ids.emplace_back(kind, as_text(r.record[index]));
  auto a = attribute(ids, r.event_time, numbering, database_lookup(c));
  if (!a.ok()) return a.status();
  auto to_quarantine = [&](const std::string& reason) -> StatusOr<std::pair<int64_t, int64_t>> {
    if (k.charge >= 0) r.record[k.charge] = storage::Value{};
    Status st = quarantine_record(c, k, content_key(k, r.record), reason + " (after " + why + ")",
                                  r.source, payload_json(r.record), now);
    if (st.ok()) st = remove(c, k, r.id);
    if (!st.ok()) return st;
    return std::pair<int64_t, int64_t>{0, 0};
  };
  if (!a->attributed) return to_quarantine(a->reason);
  if (a->tenant_id == r.tenant_id && a->subscriber_id == r.subscriber_id &&
      a->assignment_id == r.assignment_id) {
    unchanged = true;
    return std::pair<int64_t, int64_t>{r.tenant_id, r.subscriber_id};
  }
  if (Status rated = rate(c, k, {{&r.record, a->plan_id}}); !rated.ok()) return rated;
  const std::string key = dedup_key(k, a->tenant_id, r.record);
  auto existing = find_by_key(c, k, key);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() && (*existing)->id != r.id) {
    // The new holder already has a record with this key: the same one (kept once), or
    // another one (this one goes to quarantine).
    if ((*existing)->content != content_key(k, r.record))
      return to_quarantine(conflict_reason(k, r.record, a->holder));
    if (Status st = remove(c, k, r.id); !st.ok()) return st;
    return std::pair<int64_t, int64_t>{a->tenant_id, a->subscriber_id};
  }
  std::string sql = "UPDATE " + k.table +
                    " SET tenant_id = ?, subscriber_id = ?, assignment_id = ?, line_ref = ?, "
                    "dedup_key = ?";
  storage::Params params = {a->tenant_id, a->subscriber_id, a->assignment_id, a->line_ref, key};
  if (k.charge >= 0) {
    sql += ", f_" + k.fields[k.charge].name + " = ?";
    params.push_back(r.record[k.charge]);
  }
  params.push_back(r.id);
  if (Status st = c.execute(sql + " WHERE id = ?", params); !st.ok()) return st;
  return std::pair<int64_t, int64_t>{a->tenant_id, a->subscriber_id};
}

}  // namespace

StatusOr<Reattributed> reattribute(storage::Connection& c, const tenancy::NumberingPlan& numbering,
                                   const std::vector<HistoryChange>& changes,
                                   const std::string& why) {
  Reattributed out;
  auto kinds = catalogue(c);
  if (!kinds.ok()) return kinds.status();
  const int64_t now = now_us();
  for (const KindDef& k : kinds.value()) {
    std::set<int64_t> seen;
    std::map<GroupKey, Group> groups;
    for (const HistoryChange& change : changes) {
      if (change.from >= change.to) continue;
      auto rows = covered(c, k, change);
      if (!rows.ok()) return rows.status();
      for (CoveredRow& r : rows.value()) {
        if (!seen.insert(r.id).second) continue;
        ++out.examined;
        bool unchanged = false;
        auto to = redo(c, numbering, k, r, why, now, unchanged);
        if (!to.ok()) return to.status();
        if (unchanged) continue;
        (to->first == 0 ? out.quarantined : out.moved) += 1;
        Group& g = groups[{r.tenant_id, r.subscriber_id, to->first, to->second}];
        g.records += 1;
        g.first_event = std::min(g.first_event, r.event_time);
        g.last_event = std::max(g.last_event, r.event_time);
        g.first_ingested = std::min(g.first_ingested, r.ingested_at);
      }
    }
    for (const auto& [key, g] : groups) {
      const auto& [from_t, from_s, to_t, to_s] = key;
      Status st = c.execute(
          "INSERT INTO corrections (at, change_text, plugin, kind, from_tenant_id, "
          "from_subscriber_id, to_tenant_id, to_subscriber_id, records, first_event, last_event, "
          "first_ingested) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {now, why, k.plugin, k.kind, from_t, from_s, to_t, to_s, g.records, g.first_event,
           g.last_event, g.first_ingested});
      if (!st.ok()) return st;
    }
  }
  return out;
}

StatusOr<std::vector<CorrectionRow>> corrections(storage::Database& db, int64_t from, int64_t to,
                                                 const std::string& tenant_code) {
  std::string sql =
      "SELECT c.at, c.change_text, c.plugin, c.kind, ft.code, fs.account_id, tt.code, "
      "ts.account_id, c.records, c.first_event, c.last_event, c.first_ingested "
      "FROM corrections c JOIN tenants ft ON ft.id = c.from_tenant_id "
      "JOIN subscribers fs ON fs.id = c.from_subscriber_id "
      "LEFT JOIN tenants tt ON tt.id = c.to_tenant_id "
      "LEFT JOIN subscribers ts ON ts.id = c.to_subscriber_id WHERE c.at >= ? AND c.at < ?";
  storage::Params params = {from, to};
  if (!tenant_code.empty()) {
    sql += " AND ft.code = ?";
    params.push_back(tenant_code);
  }
  return db.select<CorrectionRow>(sql + " ORDER BY c.id", params, [](const storage::Row& r) {
    return CorrectionRow{as_int(r[0]),  as_text(r[1]), as_text(r[2]), as_text(r[3]),
                         as_text(r[4]), as_text(r[5]), as_text(r[6]), as_text(r[7]),
                         as_int(r[8]),  as_int(r[9]),  as_int(r[10]), as_int(r[11])};
  });
}

}  // namespace mvne::records
