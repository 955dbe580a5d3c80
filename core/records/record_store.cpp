#include "core/records/record_store.h"

#include <sodium.h>

#include <mvne/toolkit/utf8.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/time.h"
#include "core/records/aggregate.h"
#include "core/records/attribution.h"
#include "core/records/rating.h"
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

bool type_matches(const Value& v, int32_t type) {
  if (storage::is_null(v)) return true;
  switch (type) {
    case MVNE_FIELD_INT64:
    case MVNE_FIELD_TIME:
      return std::holds_alternative<int64_t>(v);
    case MVNE_FIELD_DOUBLE:
      return std::holds_alternative<double>(v);
    default:
      return std::holds_alternative<std::string>(v);
  }
}

const char* type_name(int32_t type) {
  switch (type) {
    case MVNE_FIELD_INT64:
      return "INT64";
    case MVNE_FIELD_TIME:
      return "TIME";
    case MVNE_FIELD_DOUBLE:
      return "DOUBLE";
    default:
      return "TEXT";
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

// Fills the charge of attributed records of a rated kind from their lines' plans.
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

json payload_json(const storage::Row& record) {
  json out = json::array();
  for (const Value& v : record) {
    if (auto* i = std::get_if<int64_t>(&v))
      out.push_back(*i);
    else if (auto* d = std::get_if<double>(&v))
      out.push_back(*d);
    else if (auto* s = std::get_if<std::string>(&v))
      out.push_back(*s);
    else
      out.push_back(nullptr);
  }
  return out;
}

storage::Row row_from_payload(const std::string& payload) {
  storage::Row row;
  for (const auto& v : json::parse(payload)) {
    if (v.is_number_integer())
      row.emplace_back(v.get<int64_t>());
    else if (v.is_number())
      row.emplace_back(v.get<double>());
    else if (v.is_string())
      row.emplace_back(v.get<std::string>());
    else
      row.emplace_back(std::monostate{});
  }
  return row;
}

std::string hex_hash(const std::string& data) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string dedup_key(const KindDef& k, const storage::Row& record) {
  std::string key;
  for (size_t i : k.dedup) key += storage::as_text(record[i]) + '\x1f';
  return hex_hash(key);
}

// Checks one record's shape; returns the problem or "".
std::string shape_problem(const KindDef& k, const storage::Row& record) {
  if (record.size() != k.fields.size()) {
    return "expected " + std::to_string(k.fields.size()) + " values, got " +
           std::to_string(record.size());
  }
  for (size_t i = 0; i < record.size(); ++i) {
    if (!type_matches(record[i], k.fields[i].type)) {
      return "field '" + k.fields[i].name + "' is not " + type_name(k.fields[i].type);
    }
  }
  if (storage::is_null(record[k.event_time])) return "no event time";
  return {};
}

std::string encode_cursor(const Value& sort, int64_t id) {
  json c = {payload_json({sort})[0], id};
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

// The INSERT of `rows` attributed records: scope columns, then the kind's fields.
std::string insert_sql(const KindDef& k, size_t rows = 1) {
  std::string sql = "{insert_ignore} INTO " + k.table +
                    " (tenant_id, subscriber_id, assignment_id, line_ref, event_time, dedup_key, "
                    "source, ingested_at";
  for (const auto& f : k.fields) sql += ", f_" + f.name;
  return sql + ") VALUES " + storage::placeholders(rows, 8 + k.fields.size());
}

storage::Params insert_params(const KindDef& k, const Attribution& a, const storage::Row& record,
                              const std::string& key, const std::string& source, int64_t now) {
  storage::Params params = {a.tenant_id,
                            a.subscriber_id,
                            a.assignment_id,
                            a.line_ref,
                            as_int(record[k.event_time]),
                            key,
                            source,
                            now};
  params.insert(params.end(), record.begin(), record.end());
  return params;
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

Status RecordStore::ensure(const KindDef& k) {
  return db_->transaction([&](storage::Connection& c) {
    auto existing = c.query("SELECT fields FROM record_kinds WHERE plugin = ? AND kind = ?",
                            {k.plugin, k.kind});
    if (!existing.ok()) return existing.status();
    if (existing->empty()) {
      std::string sql = "CREATE TABLE " + k.table +
                        " (id {id}, tenant_id {i64} NOT NULL, subscriber_id {i64} NOT NULL, "
                        "assignment_id {i64} NOT NULL, line_ref {i64} NOT NULL, "
                        "event_time {i64} NOT NULL, dedup_key {key} NOT NULL UNIQUE, "
                        "source {text} NOT NULL, ingested_at {i64} NOT NULL";
      for (const auto& f : k.fields) sql += ", f_" + f.name + " " + column_type(f.type);
      Status st = c.execute(sql + "){table_options}");
      if (!st.ok()) return st;
      st = c.execute("CREATE INDEX " + k.table + "_scope ON " + k.table +
                     " (tenant_id, event_time)");
      if (!st.ok()) return st;
      return c.execute("INSERT INTO record_kinds (plugin, kind, fields) VALUES (?, ?, ?)",
                       {k.plugin, k.kind, fields_json(k).dump()});
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
    return c.execute("UPDATE record_kinds SET fields = ? WHERE plugin = ? AND kind = ?",
                     {fields_json(k).dump(), k.plugin, k.kind});
  });
}

StatusOr<KindDef> RecordStore::catalogued(const std::string& plugin, const std::string& kind) {
  auto rows =
      db_->query("SELECT fields FROM record_kinds WHERE plugin = ? AND kind = ?", {plugin, kind});
  if (!rows.ok()) return rows.status();
  if (rows->empty())
    return Status::NotFound("no record kind '" + kind + "' of plugin '" + plugin + "'");
  KindDef k;
  k.plugin = plugin;
  k.kind = kind;
  for (const auto& f : json::parse(as_text(rows.value()[0][0]))) {
    k.fields.push_back({f["name"], f["type"], f["roles"]});
    if (f.contains("rating")) k.rating = f["rating"];
  }
  Status st = validate(k);
  if (!st.ok()) return st;
  return k;
}

StatusOr<IngestCounts> RecordStore::submit(const KindDef& k,
                                           const std::vector<storage::Row>& records,
                                           const std::string& source) {
  // Concurrent ingest into one MariaDB table can deadlock on the dedup index; the server
  // rolls one transaction back, which is then simply run again.
  StatusOr<IngestCounts> counts = Status::Internal("not run");
  for (int attempt = 0; attempt < 3; ++attempt) {
    Status st = db_->transaction([&](storage::Connection& c) {
      counts = submit_in(c, k, records, source);
      return counts.status();
    });
    if (!st.ok()) counts = st;
    if (!is_conflict(st)) break;
  }
  return counts;
}

bool RecordStore::is_conflict(const Status& st) {
  return st.message().find("Deadlock") != std::string::npos ||
         st.message().find("Lock wait timeout") != std::string::npos;
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
    std::string key;
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
      p.key = p.problem.empty() ? dedup_key(k, p.record) : hex_hash(payload_json(p.record).dump());
      batch.push_back(std::move(p));
    }
  }
  auto assignments = assignments_.load(c, wanted);
  if (!assignments.ok()) return assignments.status();
  CandidateLookup lookup = assignments->lookup();

  const std::string quarantine_sql =
      "{insert_ignore} INTO quarantine (plugin, kind, dedup_key, reason, source, payload, "
      "created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)";
  const int64_t now = now_us();
  std::vector<IngestCounts> all(submissions.size());
  for (size_t s = 0; s < submissions.size(); ++s) {
    const KindDef& k = *submissions[s].kind;
    const std::string& source = submissions[s].source;
    IngestCounts& counts = all[s];
    std::vector<const Prepared*> attributed;
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
      Status q = c.execute(quarantine_sql, {k.plugin, k.kind, p.key, p.problem, source,
                                            payload_json(p.record).dump(), now});
      if (!q.ok()) return q;
      (c.changes() > 0 ? counts.quarantined : counts.duplicates) += 1;
    }
    if (Status rated = rate(c, k, to_rate); !rated.ok()) return rated;
    // Multi-row inserts of a few fixed shapes, padded with copies of the last row; rows the
    // unique dedup key turns away (the copies among them) are not stored.
    for (size_t i = 0, n = 0; i < attributed.size(); i += n) {
      n = storage::statement_rows(attributed.size() - i);
      const size_t shape = storage::padded_rows(n);
      storage::Params params;
      for (size_t j = i; j < i + n; ++j) {
        const Prepared& p = *attributed[j];
        storage::Params row = insert_params(k, p.attribution, p.record, p.key, source, now);
        params.insert(params.end(), std::make_move_iterator(row.begin()),
                      std::make_move_iterator(row.end()));
      }
      storage::pad_rows(params, n, shape);
      Status ins = c.execute(insert_sql(k, shape), params);
      if (!ins.ok()) return ins;
      counts.stored += c.changes();
      counts.duplicates += static_cast<int64_t>(n) - c.changes();
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
  // Scope: the principal's rows, inside the assignment window they were attributed under.
  std::string where = " FROM " + k.table +
                      " r JOIN assignments a ON a.id = r.assignment_id"
                      " WHERE r.tenant_id = ? AND a.tenant_id = ? AND r.event_time >= a.valid_from"
                      " AND r.event_time < a.valid_to AND r.event_time >= ? AND r.event_time < ?";
  storage::Params params = {principal.tenant_id, principal.tenant_id, spec.from, spec.to};
  if (principal.kind == Kind::kConsumer) {
    if (principal.subscriber_id <= 0) return Status::Precondition("the consumer has no subscriber");
    where += " AND r.subscriber_id = ? AND a.subscriber_id = ?";
    params.push_back(principal.subscriber_id);
    params.push_back(principal.subscriber_id);
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
    const char* cmp = spec.descending ? " < ?" : " > ?";
    where += " AND (" + sort_column + cmp + " OR (" + sort_column + " = ? AND r.id" + cmp + "))";
    params.push_back(cursor->first);
    params.push_back(cursor->first);
    params.push_back(cursor->second);
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

StatusOr<std::vector<QuarantineItem>> RecordStore::quarantine(bool include_released) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto rows =
      (*lease)->query(std::string("SELECT id, plugin, kind, reason, source, payload, created_at, "
                                  "released_at FROM quarantine") +
                      (include_released ? "" : " WHERE released_at IS NULL") + " ORDER BY id");
  if (!rows.ok()) return rows.status();
  std::vector<QuarantineItem> out;
  for (const auto& r : rows.value()) {
    out.push_back({as_int(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]),
                   as_text(r[5]), as_int(r[6]), as_int(r[7])});
  }
  return out;
}

StatusOr<QuarantineItem> RecordStore::quarantined(int64_t id) {
  auto all = quarantine(true);
  if (!all.ok()) return all.status();
  for (auto& item : all.value()) {
    if (item.id == id) return item;
  }
  return Status::NotFound("no quarantined record #" + std::to_string(id));
}

StatusOr<IngestCounts> RecordStore::release(int64_t id) {
  auto item = quarantined(id);
  if (!item.ok()) return item.status();
  if (item->released_at != 0)
    return Status::Invalid("quarantined record #" + std::to_string(id) + " was already released");
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
    Status ins = c.execute(
        insert_sql(kind.value()),
        insert_params(kind.value(), a.value(), record, dedup_key(kind.value(), record),
                      item->source + " (released #" + std::to_string(id) + ")", now_us()));
    if (!ins.ok()) return ins;
    (c.changes() > 0 ? counts.stored : counts.duplicates) += 1;
    return c.execute("UPDATE quarantine SET released_at = ? WHERE id = ?", {now_us(), id});
  });
  if (!st.ok()) return st;
  return counts;
}

}  // namespace mvne::records
