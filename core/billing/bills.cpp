#include "core/billing/bills.h"

#include <cmath>
#include <map>

#include "core/billing/data_allowance.h"
#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/records/record_table.h"

namespace mvne::billing {
namespace {

using storage::as_double;
using storage::as_int;
using storage::as_text;

double round4(double v) { return std::round(v * 10000) / 10000; }

// One subscriber's bill while it is being made.
struct Draft {
  int64_t subscriber_id = 0;
  std::string plan_name;
  double fee = 0;
  int64_t data_quota = 0;
  double data_per_mb = 0;
  int64_t data_carried_in = 0, data_used = 0, data_carried_out = 0;
  // (kind, label) -> quantity, amount; in the order kinds are met.
  std::vector<BillLine> lines;
  std::vector<std::pair<int64_t, double>> items;  // records put on this bill: (record id, amount)
  std::vector<std::string> item_tables;
  std::vector<int64_t> reversed;  // bill_items taken back on this bill

  void add(const std::string& kind, const std::string& label, double amount) {
    for (auto& line : lines) {
      if (line.kind == kind && line.label == label) {
        line.quantity += 1;
        line.amount += amount;
        return;
      }
    }
    lines.push_back({kind, label, 1, amount});
  }
};

// The rated kinds: their table, label and charge column.
struct RatedKind {
  std::string table, label, charge;
};

StatusOr<std::vector<RatedKind>> rated_kinds(storage::Connection& c) {
  auto rows = c.query("SELECT plugin, kind FROM record_kinds ORDER BY plugin, kind");
  if (!rows.ok()) return rows.status();
  std::vector<RatedKind> out;
  for (const auto& r : rows.value()) {
    auto kind = records::catalogued(c, as_text(r[0]), as_text(r[1]));
    if (!kind.ok()) return kind.status();
    if (kind->charge < 0) continue;
    out.push_back({kind->table, kind->plugin + " " + kind->kind,
                   "f_" + kind->fields[static_cast<size_t>(kind->charge)].name});
  }
  return out;
}

// The charge for quota bytes used beyond the month's quota and what was carried in: per
// started megabyte (1,000,000 bytes) at the plan's data_per_mb.
double data_charge(int64_t quota, int64_t carried_in, int64_t used, double per_mb) {
  int64_t over = used - quota - carried_in;
  if (over <= 0) return 0;
  constexpr int64_t kMegabyte = 1000000;
  return static_cast<double>((over + kMegabyte - 1) / kMegabyte) * per_mb;
}

// What the bills of the month before counted for data.
struct BilledData {
  int64_t quota = 0, carried_in = 0, used = 0, carried_out = 0;
};

// Every draft's data line: the month's quota bytes, charged past quota and carry-over. Data of
// the month before that arrived after it was closed (the difference between its use now and
// what its bill counted) becomes a "late data" adjustment, charged or credited.
Status add_data_lines(storage::Connection& c, int64_t tenant_id, const std::string& zone,
                      const std::string& period, std::pair<int64_t, int64_t> month,
                      int64_t only, std::map<int64_t, Draft>& drafts, RunSummary& summary) {
  auto columns = quota_columns(c);
  if (!columns.ok()) return columns.status();
  if (columns->empty()) return Status::Ok();  // no plugin records data use
  auto used = quota_used(c, *columns, tenant_id, only, month.first, month.second);
  if (!used.ok()) return used.status();
  const std::string before = add_months(period, -1);
  auto before_bounds = local_period(zone, before);
  if (!before_bounds.ok()) return before_bounds.status();
  auto billed_rows = c.query(
      "SELECT subscriber_id, data_quota, data_carried_in, data_used, data_carried_out "
      "FROM bills WHERE tenant_id = ? AND period = ?",
      {tenant_id, before});
  if (!billed_rows.ok()) return billed_rows.status();
  std::map<int64_t, BilledData> billed;
  for (const auto& r : billed_rows.value()) {
    billed[as_int(r[0])] = {as_int(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4])};
  }
  std::map<int64_t, int64_t> used_before;
  if (!billed.empty()) {
    auto now = quota_used(c, *columns, tenant_id, only, before_bounds->first, before_bounds->second);
    if (!now.ok()) return now.status();
    used_before = std::move(now).value();
  }
  for (auto& [id, d] : drafts) {
    auto b = billed.find(id);
    if (b != billed.end()) {
      const BilledData& was = b->second;
      d.data_carried_in = was.carried_out;
      int64_t late = used_before[id] - was.used;
      if (late != 0) {
        double amount = data_charge(was.quota, was.carried_in, was.used + late, d.data_per_mb) -
                        data_charge(was.quota, was.carried_in, was.used, d.data_per_mb);
        d.lines.push_back({"late", "late data " + before, late, amount});
        ++summary.adjustments;
      }
    } else {
      auto carried = carried_into(c, *columns, tenant_id, id, zone, period, d.data_quota);
      if (!carried.ok()) return carried.status();
      d.data_carried_in = *carried;
    }
    auto u = used->find(id);
    d.data_used = u == used->end() ? 0 : u->second;
    d.data_carried_out = carried_out(d.data_quota, d.data_carried_in, d.data_used);
    d.lines.push_back({"data", "data (high speed)", d.data_used,
                       data_charge(d.data_quota, d.data_carried_in, d.data_used, d.data_per_mb)});
  }
  return Status::Ok();
}

// Rounds the draft's lines to 1/10000 and returns its total.
double settle(Draft& d) {
  double total = 0;
  for (auto& line : d.lines) {
    line.amount = round4(line.amount);
    total += line.amount;
  }
  return round4(total);
}

// Which month of which tenant a draft is made for; `only` > 0: that subscriber alone.
struct MonthOf {
  int64_t tenant_id = 0;
  std::string zone, period;
  std::pair<int64_t, int64_t> bounds;  // the month's [start, end) in UTC
  int64_t only = 0;
};

// Every bill of the month as close_month would make it: one per subscriber not merged away,
// with its plan fee, data line, rated records up to the month's end not yet billed (late ones
// marked) and the credits for billed records no longer its own.
StatusOr<std::map<int64_t, Draft>> draft_bills(storage::Connection& c, const MonthOf& m,
                                               RunSummary& summary) {
  std::map<int64_t, Draft> drafts;
  auto subscribers = c.query(
      "SELECT s.id, p.name, p.monthly_fee, p.data_quota_bytes, p.data_per_mb FROM subscribers "
      "s JOIN plans p ON p.id = s.plan_id WHERE s.tenant_id = ? AND s.merged_into IS NULL " +
          std::string(m.only != 0 ? "AND s.id = ? " : "") + "ORDER BY s.id",
      m.only != 0 ? storage::Params{m.tenant_id, m.only} : storage::Params{m.tenant_id});
  if (!subscribers.ok()) return subscribers.status();
  for (const auto& r : subscribers.value()) {
    Draft& d = drafts[as_int(r[0])];
    d.subscriber_id = as_int(r[0]);
    d.plan_name = as_text(r[1]);
    d.fee = as_double(r[2]);
    d.data_quota = as_int(r[3]);
    d.data_per_mb = as_double(r[4]);
    d.lines.push_back({"plan", d.plan_name, 1, d.fee});
  }
  if (Status data = add_data_lines(c, m.tenant_id, m.zone, m.period, m.bounds, m.only, drafts,
                                   summary);
      !data.ok()) {
    return data;
  }

  auto kinds = rated_kinds(c);
  if (!kinds.ok()) return kinds.status();
  const std::string only_b = m.only != 0 ? " AND b.subscriber_id = ?" : "";
  const std::string only_r = m.only != 0 ? " AND r.subscriber_id = ?" : "";
  for (const RatedKind& k : kinds.value()) {
    // Billed records no longer this holder's at that amount (moved, re-rated, quarantined):
    // credited on the holder's bill.
    auto taken_back = c.query(
        "SELECT b.id, b.subscriber_id, b.amount FROM bill_items b WHERE b.record_table = ? "
        "AND b.tenant_id = ? AND b.reversed_in IS NULL AND NOT EXISTS (SELECT 1 FROM " +
            k.table + " r WHERE r.id = b.record_id AND r.tenant_id = b.tenant_id " +
            "AND r.subscriber_id = b.subscriber_id AND r." + k.charge + " = b.amount)" + only_b,
        m.only != 0 ? storage::Params{k.table, m.tenant_id, m.only}
                    : storage::Params{k.table, m.tenant_id});
    if (!taken_back.ok()) return taken_back.status();
    for (const auto& r : taken_back.value()) {
      auto it = drafts.find(as_int(r[1]));
      if (it == drafts.end()) continue;  // merged away: its bills are closed for good
      it->second.add("correction", "corrected " + k.label, -as_double(r[2]));
      it->second.reversed.push_back(as_int(r[0]));
      ++summary.adjustments;
    }
    // Records up to the month's end not yet billed to their holder at their amount.
    auto unbilled = c.query(
        "SELECT r.id, r.subscriber_id, r.event_time, r." + k.charge + " FROM " + k.table +
            " r WHERE r.tenant_id = ? AND r.event_time < ? AND NOT EXISTS (SELECT 1 FROM "
            "bill_items b WHERE b.record_table = ? AND b.record_id = r.id AND b.tenant_id = "
            "r.tenant_id AND b.subscriber_id = r.subscriber_id AND b.reversed_in IS NULL AND "
            "b.amount = r." +
            k.charge + ")" + only_r + " ORDER BY r.id",
        m.only != 0 ? storage::Params{m.tenant_id, m.bounds.second, k.table, m.only}
                    : storage::Params{m.tenant_id, m.bounds.second, k.table});
    if (!unbilled.ok()) return unbilled.status();
    for (const auto& r : unbilled.value()) {
      auto it = drafts.find(as_int(r[1]));
      if (it == drafts.end()) continue;
      bool late = as_int(r[2]) < m.bounds.first;
      double amount = as_double(r[3]);
      it->second.add(late ? "late" : "usage", (late ? "late " : "") + k.label, amount);
      it->second.items.emplace_back(as_int(r[0]), amount);
      it->second.item_tables.push_back(k.table);
      ++summary.records;
      summary.adjustments += late;
    }
  }

  return drafts;
}

}  // namespace

Bills::Bills(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

StatusOr<RunSummary> Bills::close_month(const std::string& tenant_code, const std::string& period,
                                        int64_t now_us) {
  if (period.size() != 7 || period[4] != '-') {
    return Status::Invalid("month: expected YYYY-MM, got '" + period + "'");
  }
  RunSummary summary{tenant_code, period};
  // A closed month is the common case (the job asks every minute): answered with one read,
  // without taking a write transaction. The transaction checks again for a host racing this.
  auto closed = db_->query(
      "SELECT r.bills, r.total FROM bill_runs r JOIN tenants t ON t.id = r.tenant_id "
      "WHERE t.code = ? AND r.period = ?",
      {tenant_code, period});
  if (!closed.ok()) return closed.status();
  if (!closed->empty()) {
    summary.already_closed = true;
    summary.bills = as_int(closed.value()[0][0]);
    summary.total = as_double(closed.value()[0][1]);
    return summary;
  }
  Status st = db_->transaction([&](storage::Connection& c) -> Status {
    auto tenant = c.query("SELECT id, time_zone FROM tenants WHERE code = ?", {tenant_code});
    if (!tenant.ok()) return tenant.status();
    if (tenant->empty()) return Status::NotFound("unknown tenant '" + tenant_code + "'");
    int64_t tenant_id = as_int(tenant.value()[0][0]);
    std::string zone = as_text(tenant.value()[0][1]);
    auto bounds = local_period(zone, period);
    if (!bounds.ok())
      return Status::Invalid("month '" + period + "': " + bounds.status().message());
    auto [start, end] = bounds.value();
    if (end > now_us) {
      return Status::Precondition("the month " + period + " has not ended in " + zone +
                                  " (it ends at " + format_time_us(end) + ")");
    }
    auto runs = c.query(
        "SELECT period, bills, total FROM bill_runs WHERE tenant_id = ? AND period >= ? "
        "ORDER BY period DESC",
        {tenant_id, period});
    if (!runs.ok()) return runs.status();
    if (!runs->empty()) {
      const auto& last = runs.value().front();
      if (as_text(last[0]) != period) {
        return Status::Precondition("bills are closed in order, and " + as_text(last[0]) +
                                    " is closed already");
      }
      summary.already_closed = true;
      summary.bills = as_int(last[1]);
      summary.total = as_double(last[2]);
      return Status::Ok();
    }

    auto made = draft_bills(c, {tenant_id, zone, period, {start, end}, 0}, summary);
    if (!made.ok()) return made.status();
    std::map<int64_t, Draft>& drafts = made.value();
    for (auto& [subscriber, d] : drafts) {
      double total = settle(d);
      auto bill = c.insert(
          "INSERT INTO bills (tenant_id, subscriber_id, period, closed_at, total, data_quota, "
          "data_carried_in, data_used, data_carried_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {tenant_id, subscriber, period, now_us, total, d.data_quota, d.data_carried_in,
           d.data_used, d.data_carried_out});
      if (!bill.ok()) return bill.status();
      for (const auto& line : d.lines) {
        Status s = c.execute(
            "INSERT INTO bill_lines (bill_id, kind, label, quantity, amount) "
            "VALUES (?, ?, ?, ?, ?)",
            {*bill, line.kind, line.label, line.quantity, line.amount});
        if (!s.ok()) return s;
      }
      for (size_t i = 0; i < d.items.size(); ++i) {
        Status s = c.execute(
            "INSERT INTO bill_items (record_table, record_id, tenant_id, subscriber_id, bill_id, "
            "amount) VALUES (?, ?, ?, ?, ?, ?)",
            {d.item_tables[i], d.items[i].first, tenant_id, subscriber, *bill, d.items[i].second});
        if (!s.ok()) return s;
      }
      for (int64_t item : d.reversed) {
        Status s = c.execute("UPDATE bill_items SET reversed_in = ? WHERE id = ?", {*bill, item});
        if (!s.ok()) return s;
      }
      ++summary.bills;
      summary.total += total;
    }
    summary.total = round4(summary.total);
    return c.execute(
        "INSERT INTO bill_runs (tenant_id, period, closed_at, bills, total) "
        "VALUES (?, ?, ?, ?, ?)",
        {tenant_id, period, now_us, summary.bills, summary.total});
  });
  if (!st.ok()) return st;
  return summary;
}

StatusOr<Bill> Bills::so_far(int64_t subscriber_id, int64_t now_us) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  storage::Connection& c = **lease;
  auto who = c.query(
      "SELECT t.id, t.code, t.time_zone, s.account_id FROM subscribers s JOIN tenants t ON "
      "t.id = s.tenant_id WHERE s.id = ?",
      {subscriber_id});
  if (!who.ok()) return who.status();
  if (who->empty()) return Status::NotFound("no subscriber " + std::to_string(subscriber_id));
  const auto& row = who.value()[0];
  std::string zone = as_text(row[2]);
  auto today = local_date(zone, now_us);
  if (!today.ok()) return today.status();
  std::string period = today->substr(0, 7);
  auto bounds = local_period(zone, period);
  if (!bounds.ok()) return bounds.status();
  RunSummary summary;
  auto drafts = draft_bills(c, {as_int(row[0]), zone, period, *bounds, subscriber_id}, summary);
  if (!drafts.ok()) return drafts.status();
  auto d = drafts->find(subscriber_id);
  if (d == drafts->end()) return Status::NotFound("the account was merged into another");
  Bill bill;
  bill.tenant_code = as_text(row[1]);
  bill.account_id = as_text(row[3]);
  bill.period = period;
  bill.closed_at = now_us;
  bill.total = settle(d->second);
  bill.lines = d->second.lines;
  return bill;
}

StatusOr<std::vector<Bill>> Bills::read(const std::string& where, const storage::Params& params) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto rows = (*lease)->query(
      "SELECT b.id, t.code, s.account_id, b.period, b.closed_at, b.total FROM bills b "
      "JOIN tenants t ON t.id = b.tenant_id JOIN subscribers s ON s.id = b.subscriber_id " +
          where,
      params);
  if (!rows.ok()) return rows.status();
  std::vector<Bill> out;
  for (const auto& r : rows.value()) {
    Bill b{as_int(r[0]),
           as_text(r[1]),
           as_text(r[2]),
           as_text(r[3]),
           as_int(r[4]),
           as_double(r[5]),
           {}};
    auto lines = (*lease)->query(
        "SELECT kind, label, quantity, amount FROM bill_lines WHERE bill_id = ? ORDER BY id",
        {b.id});
    if (!lines.ok()) return lines.status();
    for (const auto& l : lines.value()) {
      b.lines.push_back({as_text(l[0]), as_text(l[1]), as_int(l[2]), as_double(l[3])});
    }
    out.push_back(std::move(b));
  }
  return out;
}

StatusOr<std::vector<Bill>> Bills::of_tenant(const std::string& tenant_code,
                                             const std::string& period) {
  return read("WHERE t.code = ? AND b.period = ? ORDER BY s.account_id", {tenant_code, period});
}

StatusOr<std::vector<Bill>> Bills::of_subscriber(int64_t subscriber_id) {
  return read("WHERE b.subscriber_id = ? ORDER BY b.period DESC", {subscriber_id});
}

}  // namespace mvne::billing
