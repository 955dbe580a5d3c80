#include "core/billing/data_allowance.h"

#include <algorithm>

#include "core/common/local_time.h"
#include "core/records/record_table.h"

namespace mvne::billing {
namespace {

using storage::as_int;
using storage::as_text;

constexpr int kMonthsLookedBack = 12;

}  // namespace

int64_t carried_out(int64_t quota, int64_t carried_in, int64_t used) {
  return std::clamp<int64_t>(quota + carried_in - used, 0, quota);
}

StatusOr<std::vector<QuotaColumn>> quota_columns(storage::Connection& c) {
  auto kinds = records::catalogue(c);
  if (!kinds.ok()) return kinds.status();
  std::vector<QuotaColumn> out;
  for (const auto& k : kinds.value()) {
    if (k.quota_bytes >= 0) {
      out.push_back({k.table, "f_" + k.fields[static_cast<size_t>(k.quota_bytes)].name});
    }
  }
  return out;
}

StatusOr<std::map<int64_t, int64_t>> quota_used(storage::Connection& c,
                                                const std::vector<QuotaColumn>& columns,
                                                int64_t tenant_id, int64_t subscriber_id,
                                                int64_t from, int64_t to) {
  std::map<int64_t, int64_t> used;
  for (const QuotaColumn& q : columns) {
    storage::Params params{tenant_id, from, to};
    std::string one;
    if (subscriber_id > 0) {
      one = " AND subscriber_id = ?";
      params.push_back(subscriber_id);
    }
    auto rows = c.query("SELECT subscriber_id, COALESCE(SUM(" + q.column + "), 0) FROM " +
                            q.table + " WHERE tenant_id = ? AND event_time >= ? AND " +
                            "event_time < ?" + one + " GROUP BY subscriber_id",
                        params);
    if (!rows.ok()) return rows.status();
    for (const auto& r : rows.value()) used[as_int(r[0])] += as_int(r[1]);
  }
  return used;
}

StatusOr<int64_t> carried_into(storage::Connection& c, const std::vector<QuotaColumn>& columns,
                               int64_t tenant_id, int64_t subscriber_id, const std::string& zone,
                               const std::string& month, int64_t quota) {
  auto last = c.query(
      "SELECT period, data_carried_out FROM bills WHERE subscriber_id = ? AND period < ? "
      "ORDER BY period DESC LIMIT 1",
      {subscriber_id, month});
  if (!last.ok()) return last.status();
  std::string start = add_months(month, -kMonthsLookedBack);
  int64_t carry = 0;
  if (!last->empty()) {
    start = add_months(as_text(last.value()[0][0]), 1);
    carry = as_int(last.value()[0][1]);
  } else {
    auto first = c.query("SELECT MIN(valid_from) FROM assignments WHERE subscriber_id = ?",
                         {subscriber_id});
    if (!first.ok()) return first.status();
    if (first->empty() || storage::is_null(first.value()[0][0])) return int64_t{0};  // no line
    auto first_day = local_date(zone, as_int(first.value()[0][0]));
    if (!first_day.ok()) return first_day.status();
    start = std::max(start, first_day->substr(0, 7));
  }
  // The months in between, summed in one query per quota table.
  std::vector<int64_t> edges;
  for (std::string m = start; !m.empty() && m <= month; m = add_months(m, 1)) {
    auto bounds = local_period(zone, m);
    if (!bounds.ok()) return bounds.status();
    edges.push_back(bounds->first);
  }
  if (edges.size() < 2) return carry;
  std::vector<int64_t> used(edges.size() - 1, 0);
  for (const QuotaColumn& q : columns) {
    std::string sql = "SELECT ";
    storage::Params params;
    for (size_t i = 0; i + 1 < edges.size(); ++i) {
      sql += std::string(i == 0 ? "" : ", ") + "COALESCE(SUM(CASE WHEN event_time >= ? AND " +
             "event_time < ? THEN " + q.column + " END), 0)";
      params.push_back(edges[i]);
      params.push_back(edges[i + 1]);
    }
    sql += " FROM " + q.table +
           " WHERE tenant_id = ? AND subscriber_id = ? AND event_time >= ? AND event_time < ?";
    params.insert(params.end(), {tenant_id, subscriber_id, edges.front(), edges.back()});
    auto rows = c.query(sql, params);
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < used.size() && !rows->empty(); ++i) used[i] += as_int(rows.value()[0][i]);
  }
  for (int64_t u : used) carry = carried_out(quota, carry, u);
  return carry;
}

DataAllowance::DataAllowance(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

StatusOr<std::vector<QuotaColumn>> DataAllowance::columns_cached(storage::Connection& c,
                                                                 int64_t now_us) {
  constexpr int64_t kKeptUs = int64_t{30} * 1000000;
  {
    std::lock_guard lock(mu_);
    if (columns_read_at_ != 0 && now_us - columns_read_at_ < kKeptUs) return columns_;
  }
  auto columns = quota_columns(c);
  if (!columns.ok()) return columns.status();
  std::lock_guard lock(mu_);
  columns_ = *columns;
  columns_read_at_ = now_us;
  return columns;
}

StatusOr<DataBalance> DataAllowance::balance(const auth::Principal& who, const std::string& month,
                                             int64_t now_us) {
  if (who.kind != auth::Principal::Kind::kConsumer || who.subscriber_id <= 0) {
    return Status::Precondition("a data balance is a consumer's own");
  }
  DataBalance b;
  if (month.empty()) {
    auto today = local_date(who.time_zone, now_us);
    if (!today.ok()) return today.status();
    b.month = today->substr(0, 7);
  } else {
    b.month = month;
  }
  if (add_months(b.month, 0) != b.month) {
    return Status::Invalid("month: expected YYYY-MM, got '" + b.month + "'");
  }
  auto bounds = local_period(who.time_zone, b.month);
  if (!bounds.ok()) return bounds.status();
  b.from = bounds->first;
  b.to = bounds->second;
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  storage::Connection& c = **lease;
  auto plan = c.query(
      "SELECT p.data_quota_bytes FROM subscribers s JOIN plans p ON p.id = s.plan_id "
      "WHERE s.id = ? AND s.tenant_id = ?",
      {who.subscriber_id, who.tenant_id});
  if (!plan.ok()) return plan.status();
  if (plan->empty()) return Status::NotFound("no such subscriber");
  b.quota = as_int(plan.value()[0][0]);
  auto columns = columns_cached(c, now_us);
  if (!columns.ok()) return columns.status();
  auto carried = carried_into(c, *columns, who.tenant_id, who.subscriber_id, who.time_zone,
                              b.month, b.quota);
  if (!carried.ok()) return carried.status();
  b.carried_over = *carried;
  auto used = quota_used(c, *columns, who.tenant_id, who.subscriber_id, b.from, b.to);
  if (!used.ok()) return used.status();
  b.used = used->empty() ? 0 : used->begin()->second;
  b.left = std::max<int64_t>(0, b.quota + b.carried_over - b.used);
  return b;
}

}  // namespace mvne::billing
