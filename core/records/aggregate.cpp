#include "core/records/aggregate.h"

#include <map>

#include "core/common/local_time.h"

namespace mvne::records {
namespace {

constexpr const char* kQuarterHour =
    "(r.event_time - ((r.event_time % 900000000) + 900000000) % 900000000)";

// Maps quarter-hour starts to their local date, one zone lookup per day.
class LocalDays {
 public:
  explicit LocalDays(std::string zone) : zone_(std::move(zone)) {}
  StatusOr<std::string> day_of(int64_t at) {
    if (at >= from_ && at < to_) return date_;
    auto date = local_date(zone_, at);
    if (!date.ok()) return date.status();
    auto range = local_period(zone_, date.value());
    if (!range.ok()) return range.status();
    from_ = range->first;
    to_ = range->second;
    date_ = date.value();
    return date_;
  }

 private:
  std::string zone_;
  int64_t from_ = 0, to_ = 0;
  std::string date_;
};

}  // namespace

StatusOr<QueryResult> aggregate(storage::Connection& c, const KindDef& k,
                                const auth::Principal& principal, const QuerySpec& spec,
                                const std::string& where, const storage::Params& params) {
  const bool by_day = spec.group_by == MVNE_GROUP_DAY || spec.group_by == MVNE_GROUP_DAY_AND_LINE;
  const bool by_line = spec.group_by == MVNE_GROUP_LINE || spec.group_by == MVNE_GROUP_DAY_AND_LINE;
  if (spec.group_by < MVNE_GROUP_NONE || spec.group_by > MVNE_GROUP_DAY_AND_LINE)
    return Status::Invalid("unknown group_by");
  QueryResult result;
  std::string group;
  if (by_day) {
    group = kQuarterHour;
    result.columns.push_back("day");
    result.types.push_back(MVNE_FIELD_TEXT);
  }
  if (by_line) {
    // MariaDB keeps a grouping by a TEXT column in an on-disk (Aria) temporary table; the
    // identifier as a bounded string (identifiers are far shorter) stays in memory.
    const std::string line = "r.f_" + k.fields[k.identifiers[0].second].name;
    group += std::string(group.empty() ? "" : ", ") +
             (c.dialect() == storage::Dialect::kMysql ? "CAST(" + line + " AS CHAR(190))" : line);
    result.columns.push_back("line");
    result.types.push_back(MVNE_FIELD_TEXT);
  }
  std::string value;
  int32_t type = MVNE_FIELD_INT64;
  if (spec.aggregate == MVNE_AGG_COUNT) {
    value = "COUNT(*)";
    result.columns.push_back("count");
  } else if (spec.aggregate == MVNE_AGG_SUM) {
    int index = k.field_index(spec.sum_field);
    if (index < 0) return Status::Invalid("sum: no field '" + spec.sum_field + "'");
    type = k.fields[index].type;
    if (type != MVNE_FIELD_INT64 && type != MVNE_FIELD_DOUBLE)
      return Status::Invalid("sum: field '" + spec.sum_field + "' is not a number");
    value = "SUM(r.f_" + spec.sum_field + ")";
    result.columns.push_back("sum");
  } else {
    return Status::Invalid("unknown aggregate");
  }
  result.types.push_back(type);
  std::string sql = "SELECT " + (group.empty() ? "" : group + ", ") + value + where;
  if (!group.empty()) sql += " GROUP BY " + group + " ORDER BY " + group;
  auto rows = c.query(sql, params);
  if (!rows.ok()) return rows.status();

  // Fold quarter hours into local days; keys keep (day, line) order.
  std::map<std::pair<std::string, std::string>, storage::Value> folded;
  LocalDays days(principal.time_zone.empty() ? "UTC" : principal.time_zone);
  for (auto& row : rows.value()) {
    storage::Value v = row.back();
    if (type == MVNE_FIELD_INT64) v = storage::as_int(v);  // SUM may come back as DECIMAL
    if (type == MVNE_FIELD_DOUBLE && !storage::is_null(v)) v = storage::as_double(v);
    if (!by_day) {
      row.back() = v;
      result.rows.push_back(std::move(row));
      continue;
    }
    auto day = days.day_of(storage::as_int(row[0]));
    if (!day.ok()) return day.status();
    std::pair<std::string, std::string> key{day.value(), by_line ? storage::as_text(row[1]) : ""};
    auto [it, fresh] = folded.try_emplace(key, v);
    if (!fresh) {
      if (type == MVNE_FIELD_DOUBLE)
        it->second = storage::as_double(it->second) + storage::as_double(v);
      else
        it->second = storage::as_int(it->second) + storage::as_int(v);
    }
  }
  for (auto& [key, v] : folded) {
    storage::Row row = {key.first};
    if (by_line) row.push_back(key.second);
    row.push_back(v);
    result.rows.push_back(std::move(row));
  }
  for (size_t i = 0; i < result.rows.size(); ++i)
    result.owners.emplace_back(principal.tenant_id, principal.subscriber_id);
  return result;
}

}  // namespace mvne::records
