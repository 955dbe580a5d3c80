#include "core/records/record_store.h"

#include <sodium.h>

#include <mvne/toolkit/utf8.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/isolation_layers.h"
#include "core/common/time.h"
#include "core/records/aggregate.h"
#include "core/records/attribution.h"
#include "core/records/rating.h"
#include "core/records/record_codec.h"
#include "core/records/record_table.h"
#include "core/storage/conflicts.h"
#include "core/storage/statement_shapes.h"

namespace mvne::records {
namespace {

using nlohmann::json;
using storage::as_int;
using storage::as_text;
using storage::Value;

const char* column_type(int32_t type) {
  switch (type) {
    case MVNE_FIELD_INT64:
    case MVNE_FIELD_TIME:
      return "{i64}";
    case MVNE_FIELD_DOUBLE:
      return "{f64}";
    default:
      return "{text}";
  }
}

// The catalogue entry of a kind: its fields; the charge field also carries the rating.
json fields_json(const KindDef& k) {
  json out = json::array();
  for (const auto& f : k.fields) {
    out.push_back({{"name", f.name}, {"type", f.type}, {"roles", f.roles}});
    if (f.roles & MVNE_ROLE_CHARGE) out.back()["rating"] = k.rating;
  }
  return out;
}

// Checks one record's shape; returns the problem or "".
std::string shape_problem(const KindDef& k, const storage::Row& record) {
  if (std::string problem = value_problem(k, record); !problem.empty()) return problem;
  if (storage::is_null(record[k.event_time])) return "no event time";
  return {};
}

std::string encode_cursor(const Value& sort, int64_t id) {
  json c = {json::parse(payload_json({sort}))[0], id};
  std::string text = c.dump();
  std::string hex(text.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(text.data()),
                 text.size());
  hex.pop_back();
  return hex;
}

StatusOr<std::pair<Value, int64_t>> decode_cursor(const std::string& cursor) {
  std::string text(cursor.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(text.data()), text.size(), cursor.data(),
                     cursor.size(), nullptr, &len, nullptr) != 0) {
    return Status::Invalid("malformed cursor");
  }
  text.resize(len);
  json c = json::parse(text, nullptr, false);
  if (!c.is_array() || c.size() != 2 || !c[1].is_number_integer())
    return Status::Invalid("malformed cursor");
  storage::Row sort = row_from_payload(json::array({c[0]}).dump());
  return std::make_pair(sort[0], c[1].get<int64_t>());
}

const char* op_sql(int32_t op) {
  switch (op) {
    case MVNE_FILTER_EQ:
      return " = ?";
    case MVNE_FILTER_LT:
      return " < ?";
    case MVNE_FILTER_GE:
      return " >= ?";
    default:
      return nullptr;
  }
}

}  // namespace

RecordStore::RecordStore(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering)
    : db_(std::move(db)), numbering_(std::move(numbering)) {}

namespace {

// Version 2 keys: dedup keys scoped to the tenant, content keys, both length-prefixed.
constexpr int64_t kKeyVersion = 2;

// Refuses a new kind whose table another declared kind already has.
Status check_table_unused(storage::Connection& c, const KindDef& k) {
  auto kinds = catalogue(c);
  if (!kinds.ok()) return kinds.status();
  for (const KindDef& other : kinds.value()) {
    if (other.table == k.table) {
      return Status::Invalid("record kind '" + k.kind + "' of plugin '" + k.plugin +
                             "' would share table " + k.table + " with record kind '" + other.kind +
                             "' of plugin '" + other.plugin +
                             "'; rename the kind (names are plugin + '_' + kind)");
    }
  }
  return Status::Ok();
}

// A consumer's reads (and a bill so far) name one holder: without this index they would scan
// every record of the tenant, a cost that grows with the tenant. Created on tables made
// before it existed too (once, at the first start of this version).
// Looked up first: on MariaDB even a CREATE INDEX that does nothing is DDL, which locks the
// table against the other hosts' writes.
Status ensure_holder_index(storage::Connection& c, const KindDef& k) {
  const std::string name = k.table + "_holder";
  auto found = c.query(c.dialect() == storage::Dialect::kSqlite
                           ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
                           : "SELECT COUNT(*) FROM information_schema.statistics WHERE "
                             "table_schema = DATABASE() AND table_name = ? AND index_name = ?",
                       c.dialect() == storage::Dialect::kSqlite ? storage::Params{name}
                                                                : storage::Params{k.table, name});
  if (!found.ok()) return found.status();
  if (as_int(found.value()[0][0]) > 0) return Status::Ok();
  Status st = c.execute("CREATE INDEX " + name + " ON " + k.table +
                        " (tenant_id, subscriber_id, event_time)");
  // Another host starting at the same moment made it first.
  if (st.message().find("mysql error 1061:") != std::string::npos) return Status::Ok();
  return st;
}

// Rewrites the keys of a table (and of its kind's quarantined records) written before
// dedup keys were scoped to the tenant and content keys existed.
Status upgrade_keys(storage::Connection& c, const KindDef& k) {
  Status st = c.execute("ALTER TABLE " + k.table + " ADD COLUMN content_hash {key}");
  if (!st.ok()) return st;
  std::string sql = "SELECT id, tenant_id";
  for (const auto& f : k.fields) sql += ", f_" + f.name;
  auto rows = c.query(sql + " FROM " + k.table);
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows.value()) {
    storage::Row record(r.begin() + 2, r.end());
    st = c.execute("UPDATE " + k.table + " SET dedup_key = ?, content_hash = ? WHERE id = ?",
                   {dedup_key(k, as_int(r[1]), record), content_key(k, record), r[0]});
    if (!st.ok()) return st;
  }
  auto items = c.query("SELECT id, payload FROM quarantine WHERE plugin = ? AND kind = ?",
                       {k.plugin, k.kind});
  if (!items.ok()) return items.status();
  for (const auto& item : items.value()) {
    json payload = json::parse(as_text(item[1]), nullptr, false);
    if (!payload.is_array()) continue;  // an unparsed input line: keyed by file and line
    storage::Row record = row_from_payload(as_text(item[1]));
    if (!shape_problem(k, record).empty()) continue;
    const std::string key = content_key(k, record);
    auto taken =
        c.query("SELECT id FROM quarantine WHERE plugin = ? AND kind = ? AND dedup_key = ?",
                {k.plugin, k.kind, key});
    if (!taken.ok()) return taken.status();
    if (!taken->empty()) continue;
    st = c.execute("UPDATE quarantine SET dedup_key = ? WHERE id = ?", {key, item[0]});
    if (!st.ok()) return st;
  }
  return c.execute("UPDATE record_kinds SET key_version = ? WHERE plugin = ? AND kind = ?",
                   {kKeyVersion, k.plugin, k.kind});
}

}  // namespace

Status RecordStore::ensure(const KindDef& k) {
  return db_->transaction([&](storage::Connection& c) {
    auto existing =
        c.query("SELECT fields, key_version FROM record_kinds WHERE plugin = ? AND kind = ?",
                {k.plugin, k.kind});
    if (!existing.ok()) return existing.status();
    if (existing->empty()) {
      if (Status st = check_table_unused(c, k); !st.ok()) return st;
      std::string sql = "CREATE TABLE " + k.table +
                        " (id {id}, tenant_id {i64} NOT NULL, subscriber_id {i64} NOT NULL, "
                        "assignment_id {i64} NOT NULL, line_ref {i64} NOT NULL, "
                        "event_time {i64} NOT NULL, dedup_key {key} NOT NULL UNIQUE, "
                        "content_hash {key} NOT NULL, source {text} NOT NULL, "
                        "ingested_at {i64} NOT NULL";
      for (const auto& f : k.fields) sql += ", f_" + f.name + " " + column_type(f.type);
      Status st = c.execute(sql + "){table_options}");
      if (!st.ok()) return st;
      st = c.execute("CREATE INDEX " + k.table + "_scope ON " + k.table +
                     " (tenant_id, event_time)");
      if (!st.ok()) return st;
      st = ensure_holder_index(c, k);
      if (!st.ok()) return st;
      return c.execute(
          "INSERT INTO record_kinds (plugin, kind, fields, key_version) VALUES (?, ?, ?, ?)",
          {k.plugin, k.kind, fields_json(k).dump(), kKeyVersion});
    }
    json old = json::parse(as_text(existing.value()[0][0]));
    for (const auto& f : k.fields) {
      bool found = false;
      for (const auto& o : old) {
        if (o["name"] != f.name) continue;
        found = true;
        if (o["type"].get<int32_t>() != f.type) {
          return Status::Invalid("record kind '" + k.kind + "': field '" + f.name +
                                 "' changed type from " + type_name(o["type"].get<int32_t>()) +
                                 " to " + type_name(f.type) + "; declare a new field instead");
        }
      }
      if (!found) {
        Status st = c.execute("ALTER TABLE " + k.table + " ADD COLUMN f_" + f.name + " " +
                              column_type(f.type));
        if (!st.ok()) return st;
      }
    }
    Status st = c.execute("UPDATE record_kinds SET fields = ? WHERE plugin = ? AND kind = ?",
                          {fields_json(k).dump(), k.plugin, k.kind});
    if (st.ok()) st = ensure_holder_index(c, k);
    if (!st.ok() || as_int(existing.value()[0][1]) == kKeyVersion) return st;
    return upgrade_keys(c, k);
  });
}

StatusOr<KindDef> RecordStore::catalogued(const std::string& plugin, const std::string& kind) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  return records::catalogued(**lease, plugin, kind);
}

StatusOr<IngestCounts> RecordStore::submit(const KindDef& k,
                                           const std::vector<storage::Row>& records,
                                           const std::string& source) {
  // Concurrent ingest into one MariaDB table can deadlock on the dedup index (on Galera,
  // lose a certification conflict); the server rolls one transaction back, which is then
  // simply run again.
  StatusOr<IngestCounts> counts = Status::Internal("not run");
  (void)storage::run_again_on_conflict([&] {
    Status st = db_->transaction([&](storage::Connection& c) {
      counts = submit_in(c, k, records, source);
      return counts.status();
    });
    if (!st.ok()) counts = st;
    return st;
  });
  return counts;
}

StatusOr<IngestCounts> RecordStore::submit_in(storage::Connection& c, const KindDef& k,
                                              const std::vector<storage::Row>& records,
                                              const std::string& source) {
  auto counts = submit_all_in(c, {{&k, &records, source}});
  if (!counts.ok()) return counts.status();
  return counts->front();
}

StatusOr<std::vector<IngestCounts>> RecordStore::submit_all_in(
    storage::Connection& c, const std::vector<Submission>& submissions) {
  struct Prepared {
    storage::Row record;  // identifiers normalised
    std::string content;  // content key; for a malformed record, its payload's hash
    std::string problem;
    Attribution attribution;
  };
  // Shape and identifiers first, so that the assignments of every kind in the batch load
  // with one read of the directory.
  std::vector<std::vector<Prepared>> prepared(submissions.size());
  std::vector<std::pair<tenancy::IdKind, std::string>> wanted;
  for (size_t s = 0; s < submissions.size(); ++s) {
    const KindDef& k = *submissions[s].kind;
    std::vector<Prepared>& batch = prepared[s];
    batch.reserve(submissions[s].records->size());
    for (const storage::Row& submitted : *submissions[s].records) {
      Prepared p{submitted, {}, shape_problem(k, submitted), {}};
      const bool well_formed = p.problem.empty();
      for (const auto& [kind, index] : k.identifiers) {
        if (!p.problem.empty() || as_text(p.record[index]).empty()) continue;
        auto normalized = tenancy::normalize(kind, as_text(p.record[index]), numbering_);
        if (normalized.ok()) {
          p.record[index] = normalized.value();
          wanted.emplace_back(kind, normalized.value());
        } else {
          p.problem = normalized.status().message();
        }
      }
      p.content = well_formed ? content_key(k, p.record) : hex_hash(payload_json(p.record));
      batch.push_back(std::move(p));
    }
  }
  auto assignments = assignments_.load(c, wanted);
  if (!assignments.ok()) return assignments.status();
  CandidateLookup lookup = assignments->lookup();

  const int64_t now = now_us();
  std::vector<IngestCounts> all(submissions.size());
  for (size_t s = 0; s < submissions.size(); ++s) {
    const KindDef& k = *submissions[s].kind;
    const std::string& source = submissions[s].source;
    IngestCounts& counts = all[s];
    auto hold = [&](const Prepared& p, const std::string& reason) {
      counts.quarantined += 1;
      return quarantine_record(c, k, p.content, reason, source, payload_json(p.record), now);
    };
    std::vector<Prepared*> attributed;
    std::vector<std::pair<storage::Row*, int64_t>> to_rate;
    for (Prepared& p : prepared[s]) {
      if (p.problem.empty()) {
        std::vector<std::pair<tenancy::IdKind, std::string>> ids;
        for (const auto& [kind, index] : k.identifiers)
          ids.emplace_back(kind, as_text(p.record[index]));
        auto a = attribute(ids, as_int(p.record[k.event_time]), numbering_, lookup);
        if (!a.ok()) return a.status();
        p.attribution = a.value();
        p.problem = a->reason;
      }
      if (p.problem.empty()) {
        attributed.push_back(&p);
        to_rate.emplace_back(&p.record, p.attribution.plan_id);
        continue;
      }
      if (Status q = hold(p, p.problem); !q.ok()) return q;
    }
    if (Status rated = rate(c, k, to_rate); !rated.ok()) return rated;
    // Multi-row inserts of a few fixed shapes, padded with copies of the last row; rows the
    // unique dedup key turns away (the copies among them) are not stored. A turned-away
    // row is then settled against the row holding its key: the same record (a duplicate,
    // or one stored under a holder that no longer covers it, which is brought up to date),
    // or another record with that key (quarantined).
    std::vector<std::string> visible;
    for (size_t i = 0, n = 0; i < attributed.size(); i += n) {
      n = storage::statement_rows(attributed.size() - i);
      const size_t shape = storage::padded_rows(n);
      storage::Params params;
      for (size_t j = i; j < i + n; ++j) {
        const Prepared& p = *attributed[j];
        storage::Params row = insert_params(k, p.attribution, p.record, source, now);
        params.insert(params.end(), std::make_move_iterator(row.begin()),
                      std::make_move_iterator(row.end()));
      }
      storage::pad_rows(params, n, shape);
      Status ins = c.execute(insert_sql(k, shape), params);
      if (!ins.ok()) return ins;
      const int64_t inserted = c.changes();
      counts.stored += inserted;
      if (inserted == static_cast<int64_t>(n)) {
        for (size_t j = i; j < i + n; ++j) visible.push_back(attributed[j]->content);
        continue;
      }
      std::vector<std::string> keys;
      for (size_t j = i; j < i + n; ++j)
        keys.push_back(dedup_key(k, attributed[j]->attribution.tenant_id, attributed[j]->record));
      auto stored = find_by_keys(c, k, keys);
      if (!stored.ok()) return stored.status();
      int64_t duplicates = static_cast<int64_t>(n) - inserted;
      for (size_t j = i; j < i + n; ++j) {
        const Prepared& p = *attributed[j];
        auto existing = stored->find(keys[j - i]);
        if (existing == stored->end()) return Status::Internal(k.table + ": a stored row is gone");
        auto placed = settle(c, k, existing->second, p.attribution, p.record);
        if (!placed.ok()) return placed.status();
        if (*placed == Placement::kConflict) {
          if (Status q = hold(p, conflict_reason(k, p.record, p.attribution.holder)); !q.ok())
            return q;
          --duplicates;
          continue;
        }
        if (*placed == Placement::kRefreshed) {
          existing->second.tenant_id = p.attribution.tenant_id;
          existing->second.subscriber_id = p.attribution.subscriber_id;
          existing->second.assignment_id = p.attribution.assignment_id;
          counts.stored += 1;
          --duplicates;
        }
        visible.push_back(p.content);
      }
      counts.duplicates += duplicates;
    }
    // A stored record is no longer pending in quarantine (it was quarantined before its
    // line's assignment was fixed, or by a correction).
    if (Status st = resolve_quarantined(c, k, visible, "stored by ingest of " + source, now);
        !st.ok()) {
      return st;
    }
  }
  return all;
}

namespace {

// {"raw": the line, "line": n}. A line that is not UTF-8 keeps its exact bytes in
// "raw_base64", and "raw" shows it with each invalid byte as U+FFFD.
std::string quarantine_payload(const std::string& line, int64_t line_number) {
  json payload{{"raw", line}, {"line", line_number}};
  if (toolkit::first_invalid_utf8(line) == std::string::npos) return payload.dump();
  std::string b64(sodium_base64_ENCODED_LEN(line.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(line.data()),
                    line.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);  // the terminating NUL
  payload["raw_base64"] = b64;
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

StatusOr<bool> RecordStore::quarantine_line(const KindDef& k, const std::string& source,
                                            int64_t line_number, const std::string& line,
                                            const std::string& reason) {
  std::string where = source + ":" + std::to_string(line_number);
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      "{insert_ignore} INTO quarantine (plugin, kind, dedup_key, reason, source, payload, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {k.plugin, k.kind, hex_hash(where + '\x1f' + line), reason, where,
       quarantine_payload(line, line_number), now_us()});
  if (!st.ok()) return st;
  return (*lease)->changes() > 0;
}

StatusOr<QueryResult> RecordStore::query(const KindDef& k, const auth::Principal& principal,
                                         const QuerySpec& spec) {
  using Kind = auth::Principal::Kind;
  if (principal.kind != Kind::kTenant && principal.kind != Kind::kConsumer) {
    return Status::Precondition("reads need a tenant or consumer principal");
  }
  if (principal.tenant_id <= 0) return Status::Precondition("the principal has no tenant");
  // Scope: the principal's rows, inside the assignment window they were attributed under
  // (without the window only in a test build showing what it stops).
  const bool window = !layer_off(Layer::kReadWindow);
  std::string where = " FROM " + k.table + " r JOIN assignments a ON a.id = r.assignment_id" +
                      " WHERE r.tenant_id = ?" +
                      (window ? " AND a.tenant_id = ? AND r.event_time >= a.valid_from"
                                " AND r.event_time < a.valid_to"
                              : "") +
                      " AND r.event_time >= ? AND r.event_time < ?";
  storage::Params params = {principal.tenant_id};
  if (window) params.push_back(principal.tenant_id);
  params.push_back(spec.from);
  params.push_back(spec.to);
  if (principal.kind == Kind::kConsumer) {
    if (principal.subscriber_id <= 0) return Status::Precondition("the consumer has no subscriber");
    where +=
        window ? " AND r.subscriber_id = ? AND a.subscriber_id = ?" : " AND r.subscriber_id = ?";
    params.push_back(principal.subscriber_id);
    if (window) params.push_back(principal.subscriber_id);
  }
  for (const auto& f : spec.filters) {
    int index = k.field_index(f.field);
    const char* op = op_sql(f.op);
    if (index < 0) return Status::Invalid("filter: no field '" + f.field + "'");
    if (op == nullptr) return Status::Invalid("filter on '" + f.field + "': unknown operator");
    if (!type_matches(f.value, k.fields[index].type) || storage::is_null(f.value)) {
      return Status::Invalid("filter on '" + f.field + "': value is not " +
                             type_name(k.fields[index].type));
    }
    storage::Value value = f.value;
    for (const auto& [id_kind, id_index] : k.identifiers) {
      if (static_cast<int>(id_index) != index || f.op != MVNE_FILTER_EQ) continue;
      auto normalized = tenancy::normalize(id_kind, as_text(f.value), numbering_);
      if (normalized.ok()) value = normalized.value();
    }
    where += " AND r.f_" + f.field + op;
    params.push_back(value);
  }

  if (spec.aggregate != MVNE_AGG_NONE) {
    auto lease = db_->acquire();
    if (!lease.ok()) return lease.status();
    return aggregate(**lease, k, principal, spec, where, params);
  }

  QueryResult result;
  std::string sort_column = "r.event_time";
  int32_t sort_type = MVNE_FIELD_TIME;
  if (!spec.order_by.empty()) {
    int index = k.field_index(spec.order_by);
    if (index < 0) return Status::Invalid("order_by: no field '" + spec.order_by + "'");
    sort_column = "r.f_" + spec.order_by;
    sort_type = k.fields[index].type;
  }
  if (!spec.cursor.empty()) {
    auto cursor = decode_cursor(spec.cursor);
    if (!cursor.ok()) return cursor.status();
    // Both backends sort NULL first ascending and last descending: the rows after a page
    // that ended on NULL are the rest of the NULLs (by id), then (ascending) every value.
    const char* cmp = spec.descending ? " < ?" : " > ?";
    if (storage::is_null(cursor->first)) {
      where += " AND ((" + sort_column + " IS NULL AND r.id" + cmp + ")" +
               (spec.descending ? ")" : " OR " + sort_column + " IS NOT NULL)");
      params.push_back(cursor->second);
    } else {
      where += " AND (" + sort_column + cmp + " OR (" + sort_column + " = ? AND r.id" + cmp + ")" +
               (spec.descending ? " OR " + sort_column + " IS NULL)" : ")");
      params.push_back(cursor->first);
      params.push_back(cursor->first);
      params.push_back(cursor->second);
    }
  }
  uint32_t limit = spec.limit == 0 ? 100 : std::min<uint32_t>(spec.limit, 10000);
  std::string sql = "SELECT ";
  for (const auto& f : k.fields) {
    sql += "r.f_" + f.name + ", ";
    result.columns.push_back(f.name);
    result.types.push_back(f.type);
  }
  const char* dir = spec.descending ? " DESC" : "";
  sql += sort_column + ", r.id, r.tenant_id, r.subscriber_id" + where + " ORDER BY " + sort_column +
         dir + ", r.id" + dir + " LIMIT " + std::to_string(limit + 1);
  auto rows = db_->query(sql, params);
  if (!rows.ok()) return rows.status();
  size_t n = k.fields.size();
  for (size_t i = 0; i < rows->size() && i < limit; ++i) {
    storage::Row& row = rows.value()[i];
    result.owners.emplace_back(as_int(row[n + 2]), as_int(row[n + 3]));
    if (i + 1 == limit && rows->size() > limit)
      result.next_cursor = encode_cursor(row[n], as_int(row[n + 1]));
    row.resize(n);
    for (size_t c = 0; c < n; ++c) {
      if (result.types[c] == MVNE_FIELD_DOUBLE && !storage::is_null(row[c]))
        row[c] = storage::as_double(row[c]);
    }
    result.rows.push_back(std::move(row));
  }
  (void)sort_type;
  return result;
}

namespace {

constexpr const char* kQuarantineColumns =
    "SELECT id, plugin, kind, reason, source, payload, created_at, released_at, resolution "
    "FROM quarantine";

QuarantineItem to_item(const storage::Row& r) {
  return {as_int(r[0]),  as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]),
          as_text(r[5]), as_int(r[6]),  as_int(r[7]),  as_text(r[8])};
}

}  // namespace

StatusOr<std::vector<QuarantineItem>> RecordStore::quarantine(bool include_released) {
  return db_->select<QuarantineItem>(std::string(kQuarantineColumns) +
                                         (include_released ? "" : " WHERE released_at IS NULL") +
                                         " ORDER BY id",
                                     {}, to_item);
}

StatusOr<QuarantineItem> RecordStore::quarantined(int64_t id) {
  auto found =
      db_->select<QuarantineItem>(std::string(kQuarantineColumns) + " WHERE id = ?", {id}, to_item);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("no quarantined record #" + std::to_string(id));
  return found.value()[0];
}

StatusOr<IngestCounts> RecordStore::release(int64_t id) {
  auto item = quarantined(id);
  if (!item.ok()) return item.status();
  const std::string what = "quarantined record #" + std::to_string(id);
  if (item->released_at != 0) {
    return Status::Invalid(what + " was already released (" +
                           (item->resolution.empty() ? "by an operator" : item->resolution) + ")");
  }
  auto kind = catalogued(item->plugin, item->kind);
  if (!kind.ok()) return kind.status();
  json payload = json::parse(item->payload, nullptr, false);
  if (payload.is_object()) {
    return Status::Invalid("quarantined item #" + std::to_string(id) + " is an input line (" +
                           item->source +
                           ") that could not be parsed; correct it and spool it "
                           "again in a new file");
  }
  storage::Row record = row_from_payload(item->payload);
  std::string problem = shape_problem(kind.value(), record);
  if (!problem.empty())
    return Status::Invalid("record #" + std::to_string(id) + " cannot be stored: " + problem);
  IngestCounts counts;
  Status st = db_->transaction([&](storage::Connection& c) {
    std::vector<std::pair<tenancy::IdKind, std::string>> ids;
    for (const auto& [k, index] : kind->identifiers) ids.emplace_back(k, as_text(record[index]));
    auto a = attribute(ids, as_int(record[kind->event_time]), numbering_, database_lookup(c));
    if (!a.ok()) return a.status();
    if (!a->attributed)
      return Status::Invalid("record #" + std::to_string(id) +
                             " still cannot be attributed: " + a->reason);
    if (Status rated = rate(c, kind.value(), {{&record, a->plan_id}}); !rated.ok()) return rated;
    const int64_t now = now_us();
    auto placed = place(c, kind.value(), a.value(), record,
                        item->source + " (released #" + std::to_string(id) + ")", now);
    if (!placed.ok()) return placed.status();
    if (*placed == Placement::kConflict) {
      return Status::Invalid("record #" + std::to_string(id) + " cannot be stored: " +
                             conflict_reason(kind.value(), record, a->holder));
    }
    // Stored, or the same record is stored and visible to its holder: either way it is seen.
    (*placed == Placement::kDuplicate ? counts.duplicates : counts.stored) += 1;
    return c.execute(
        "UPDATE quarantine SET released_at = ?, resolution = ? WHERE id = ? AND "
        "released_at IS NULL",
        {now, std::string("released by an operator to ") + a->holder, id});
  });
  if (!st.ok()) return st;
  return counts;
}

void RecordStore::publish(const std::string& plugin, const std::vector<KindDef>& kinds) {
  std::lock_guard lock(live_mu_);
  for (const auto& k : kinds) live_[{plugin, k.kind}] = std::make_shared<const KindDef>(k);
}

void RecordStore::withdraw(const std::string& plugin) {
  std::lock_guard lock(live_mu_);
  std::erase_if(live_, [&](const auto& entry) { return entry.first.first == plugin; });
}

std::shared_ptr<const KindDef> RecordStore::live(const std::string& plugin,
                                                 const std::string& kind) const {
  std::lock_guard lock(live_mu_);
  auto it = live_.find({plugin, kind});
  return it == live_.end() ? nullptr : it->second;
}

}  // namespace mvne::records
