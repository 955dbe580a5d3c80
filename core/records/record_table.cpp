#include "core/records/record_table.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/records/rating.h"
#include "core/records/record_codec.h"
#include "core/storage/statement_shapes.h"

namespace mvne::records {
namespace {

using nlohmann::json;
using storage::as_int;
using storage::as_text;

KindDef from_catalogue(const std::string& plugin, const std::string& kind,
                       const std::string& fields) {
  KindDef k;
  k.plugin = plugin;
  k.kind = kind;
  for (const auto& f : json::parse(fields)) {
    k.fields.push_back({f["name"], f["type"], f["roles"]});
    if (f.contains("rating")) k.rating = f["rating"];
  }
  return k;
}

}  // namespace

StatusOr<std::vector<KindDef>> catalogue(storage::Connection& c) {
  auto rows = c.query("SELECT plugin, kind, fields FROM record_kinds ORDER BY plugin, kind");
  if (!rows.ok()) return rows.status();
  std::vector<KindDef> out;
  for (const auto& r : rows.value()) {
    KindDef k = from_catalogue(as_text(r[0]), as_text(r[1]), as_text(r[2]));
    if (Status st = validate(k); !st.ok()) return st;
    out.push_back(std::move(k));
  }
  return out;
}

StatusOr<KindDef> catalogued(storage::Connection& c, const std::string& plugin,
                             const std::string& kind) {
  auto rows =
      c.query("SELECT fields FROM record_kinds WHERE plugin = ? AND kind = ?", {plugin, kind});
  if (!rows.ok()) return rows.status();
  if (rows->empty())
    return Status::NotFound("no record kind '" + kind + "' of plugin '" + plugin + "'");
  KindDef k = from_catalogue(plugin, kind, as_text(rows.value()[0][0]));
  if (Status st = validate(k); !st.ok()) return st;
  return k;
}

Status rate(storage::Connection& c, const KindDef& k,
            const std::vector<std::pair<storage::Row*, int64_t>>& records_and_plans) {
  if (k.rating == MVNE_RATING_NONE || records_and_plans.empty()) return Status::Ok();
  std::set<int64_t> plan_ids;
  for (const auto& [record, plan] : records_and_plans) plan_ids.insert(plan);
  auto prices = load_prices(c, plan_ids);
  if (!prices.ok()) return prices.status();
  for (const auto& [record, plan] : records_and_plans) {
    auto it = prices->find(plan);
    if (it == prices->end()) return Status::Internal("plan #" + std::to_string(plan) + " is gone");
    storage::Row& r = *record;
    r[k.charge] =
        charge(k.rating, it->second, as_int(r[k.rated_units]), as_text(r[k.rating_class]));
  }
  return Status::Ok();
}

std::string insert_sql(const KindDef& k, size_t rows) {
  std::string sql = "{insert_ignore} INTO " + k.table +
                    " (tenant_id, subscriber_id, assignment_id, line_ref, event_time, dedup_key, "
                    "content_hash, source, ingested_at";
  for (const auto& f : k.fields) sql += ", f_" + f.name;
  return sql + ") VALUES " + storage::placeholders(rows, 9 + k.fields.size());
}

storage::Params insert_params(const KindDef& k, const Attribution& a, const storage::Row& record,
                              const std::string& source, int64_t now) {
  storage::Params params = {a.tenant_id,
                            a.subscriber_id,
                            a.assignment_id,
                            a.line_ref,
                            as_int(record[k.event_time]),
                            dedup_key(k, a.tenant_id, record),
                            content_key(k, record),
                            source,
                            now};
  params.insert(params.end(), record.begin(), record.end());
  return params;
}

StatusOr<std::optional<StoredRow>> find_by_key(storage::Connection& c, const KindDef& k,
                                               const std::string& key) {
  auto rows = c.query("SELECT id, content_hash, tenant_id, subscriber_id, assignment_id FROM " +
                          k.table + " WHERE dedup_key = ?",
                      {key});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<StoredRow>();
  const storage::Row& r = rows.value()[0];
  return std::optional<StoredRow>(
      StoredRow{as_int(r[0]), as_text(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4])});
}

StatusOr<std::map<std::string, StoredRow>> find_by_keys(storage::Connection& c, const KindDef& k,
                                                        const std::vector<std::string>& keys) {
  std::map<std::string, StoredRow> out;
  for (size_t i = 0, n = 0; i < keys.size(); i += n) {
    n = storage::statement_rows(keys.size() - i);
    const size_t shape = storage::padded_rows(n);
    storage::Params params(keys.begin() + static_cast<std::ptrdiff_t>(i),
                           keys.begin() + static_cast<std::ptrdiff_t>(i + n));
    storage::pad_rows(params, n, shape);
    auto rows = c.query(
        "SELECT dedup_key, id, content_hash, tenant_id, subscriber_id, "
        "assignment_id FROM " +
            k.table + " WHERE dedup_key IN (" + storage::placeholders(shape, 1) + ")",
        params);
    if (!rows.ok()) return rows.status();
    for (const auto& r : rows.value()) {
      out[as_text(r[0])] =
          StoredRow{as_int(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5])};
    }
  }
  return out;
}

StatusOr<Placement> settle(storage::Connection& c, const KindDef& k, const StoredRow& existing,
                           const Attribution& a, const storage::Row& record) {
  if (existing.content != content_key(k, record)) return Placement::kConflict;
  if (existing.tenant_id == a.tenant_id && existing.subscriber_id == a.subscriber_id &&
      existing.assignment_id == a.assignment_id) {
    return Placement::kDuplicate;
  }
  std::string sql = "UPDATE " + k.table +
                    " SET tenant_id = ?, subscriber_id = ?, assignment_id = ?, line_ref = ?";
  storage::Params params = {a.tenant_id, a.subscriber_id, a.assignment_id, a.line_ref};
  if (k.charge >= 0) {
    sql += ", f_" + k.fields[k.charge].name + " = ?";
    params.push_back(record[k.charge]);
  }
  params.push_back(existing.id);
  Status st = c.execute(sql + " WHERE id = ?", params);
  if (!st.ok()) return st;
  return Placement::kRefreshed;
}

StatusOr<Placement> place(storage::Connection& c, const KindDef& k, const Attribution& a,
                          const storage::Row& record, const std::string& source, int64_t now) {
  Status ins = c.execute(insert_sql(k), insert_params(k, a, record, source, now));
  if (!ins.ok()) return ins;
  if (c.changes() > 0) return Placement::kStored;
  auto existing = find_by_key(c, k, dedup_key(k, a.tenant_id, record));
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) return Status::Internal(k.table + ": a turned-away row is gone");
  return settle(c, k, **existing, a, record);
}

std::string conflict_reason(const KindDef& k, const storage::Row& record,
                            const std::string& holder) {
  std::string fields;
  for (size_t i : k.dedup) {
    fields += (fields.empty() ? "" : ", ") + k.fields[i].name + "=" +
              (storage::is_null(record[i]) ? "null" : as_text(record[i]));
  }
  return "same dedup key (" + fields + ") as another record of " + holder +
         " with different content";
}

Status quarantine_record(storage::Connection& c, const KindDef& k, const std::string& key,
                         const std::string& reason, const std::string& source,
                         const std::string& payload, int64_t now) {
  Status st = c.execute(
      "{insert_ignore} INTO quarantine (plugin, kind, dedup_key, reason, source, payload, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {k.plugin, k.kind, key, reason, source, payload, now});
  if (!st.ok() || c.changes() > 0) return st;
  return c.execute(
      "UPDATE quarantine SET released_at = NULL, resolution = NULL, reason = ?, source = ?, "
      "created_at = ? WHERE plugin = ? AND kind = ? AND dedup_key = ? AND released_at IS NOT NULL",
      {reason, source, now, k.plugin, k.kind, key});
}

Status resolve_quarantined(storage::Connection& c, const KindDef& k,
                           const std::vector<std::string>& content_keys,
                           const std::string& resolution, int64_t now) {
  for (size_t i = 0, n = 0; i < content_keys.size(); i += n) {
    n = storage::statement_rows(content_keys.size() - i);
    const size_t shape = storage::padded_rows(n);
    storage::Params params = {now, resolution, k.plugin, k.kind};
    params.insert(params.end(), content_keys.begin() + static_cast<std::ptrdiff_t>(i),
                  content_keys.begin() + static_cast<std::ptrdiff_t>(i + n));
    storage::pad_rows(params, n + 4, shape + 4);
    Status st = c.execute(
        "UPDATE quarantine SET released_at = ?, resolution = ? WHERE plugin = ? AND kind = ? "
        "AND released_at IS NULL AND dedup_key IN (" +
            storage::placeholders(shape, 1) + ")",
        params);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace mvne::records
