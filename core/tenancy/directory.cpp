#include "core/tenancy/directory.h"

#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/common/isolation_layers.h"
#include "core/common/time.h"
#include "core/records/rating.h"
#include "core/records/record_table.h"

namespace mvne::tenancy {

using storage::as_double;
using storage::as_int;
using storage::as_text;
using storage::Connection;
using storage::Row;

struct Directory::Resolved {
  int64_t tenant_id = 0;
  int64_t subscriber_id = 0;
  int64_t plan_id = 0;
  std::vector<std::pair<IdKind, std::string>> ids;
  int64_t valid_from = 0;
  int64_t valid_to = 0;
};

namespace {

std::string period(int64_t from, int64_t to) {
  return "[" + format_time_us(from) + ", " + (to == kForever ? "open" : format_time_us(to)) + ")";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::vector<std::string> split_plugins(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// An IANA zone name the system's tz database knows.
bool known_time_zone(const std::string& zone) {
  if (zone.empty() || zone.size() > 64 || zone.find("..") != std::string::npos || zone[0] == '/') {
    return false;
  }
  for (char c : zone) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+')) {
      return false;
    }
  }
  std::error_code ec;
  return std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone, ec);
}

bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.' || c == '@')) {
      return false;
    }
  }
  return true;
}

StatusOr<int64_t> lookup_id(Connection& c, const char* sql, const storage::Params& params,
                            const std::string& missing) {
  auto rows = c.query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound(missing);
  return as_int(rows.value()[0][0]);
}

StatusOr<int64_t> tenant_id(Connection& c, const std::string& code) {
  return lookup_id(c, "SELECT id FROM tenants WHERE code = ?", {code},
                   "unknown tenant '" + code + "'");
}

const char* kAssignmentColumns =
    "SELECT a.id, a.id_kind, a.identifier, a.line_ref, t.code, s.account_id, p.code, "
    "a.valid_from, a.valid_to FROM assignments a JOIN tenants t ON t.id = a.tenant_id "
    "JOIN subscribers s ON s.id = a.subscriber_id JOIN plans p ON p.id = a.plan_id ";

constexpr char kSubscriberColumns[] =
    "SELECT s.id, t.code, s.account_id, s.service_code, p.code, s.email FROM subscribers s "
    "JOIN tenants t ON t.id = s.tenant_id JOIN plans p ON p.id = s.plan_id ";

Subscriber to_subscriber(const Row& r) {
  return {as_int(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5])};
}

AssignmentRow to_assignment(const Row& r) {
  return {as_int(r[0]),  as_text(r[1]), as_text(r[2]), as_int(r[3]), as_text(r[4]),
          as_text(r[5]), as_text(r[6]), as_int(r[7]),  as_int(r[8])};
}

Status bump_version(Connection& c) {
  return c.execute("UPDATE directory_version SET version = version + 1 WHERE id = 1");
}

}  // namespace

Directory::Directory(std::shared_ptr<storage::Database> db, NumberingPlan plan)
    : db_(std::move(db)), numbering_(std::move(plan)) {}

StatusOr<int64_t> Directory::add_tenant(const Tenant& t) {
  std::vector<std::string> problems;
  if (!valid_code(t.code))
    problems.push_back("code '" + t.code + "' must be 1-64 of a-z A-Z 0-9 - _ .");
  if (t.name.empty()) problems.push_back("name is empty");
  if (t.export_dir.empty()) problems.push_back("export directory is empty");
  if (!known_time_zone(t.time_zone)) {
    problems.push_back("time zone '" + t.time_zone + "' is not an IANA zone (e.g. Asia/Tokyo)");
  }
  if (!problems.empty()) return Status::Invalid("tenant: " + join(problems, "; "));
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto id = (*lease)->insert(
      "INSERT INTO tenants (code, name, time_zone, export_dir, plugins, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {t.code, t.name, t.time_zone, t.export_dir, join(t.plugins, ","), now_us()});
  if (!id.ok() && id.status().code() == Code::kFailedPrecondition) {
    return Status::Invalid("tenant '" + t.code + "' already exists");
  }
  return id;
}

namespace {
const char* kTenantColumns = "SELECT id, code, name, time_zone, export_dir, plugins FROM tenants ";
Tenant to_tenant(const Row& r) {
  return {as_int(r[0]),  as_text(r[1]), as_text(r[2]),
          as_text(r[3]), as_text(r[4]), split_plugins(as_text(r[5]))};
}
}  // namespace

StatusOr<std::vector<Tenant>> Directory::tenants() {
  return db_->select<Tenant>(std::string(kTenantColumns) + "ORDER BY code", {}, to_tenant);
}

StatusOr<Tenant> Directory::tenant(const std::string& code) {
  auto found =
      db_->select<Tenant>(std::string(kTenantColumns) + "WHERE code = ?", {code}, to_tenant);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("unknown tenant '" + code + "'");
  return found.value()[0];
}

StatusOr<int64_t> Directory::add_plan(const Plan& p) {
  std::vector<std::string> problems;
  if (!valid_code(p.code)) problems.push_back("code '" + p.code + "' is not a valid code");
  if (p.voice_increment_s != 1 && p.voice_increment_s != 60) {
    problems.push_back("voice increment must be 1 (per second) or 60 (per minute)");
  }
  if (p.data_quota_bytes < 0 || p.voice_per_minute < 0 || p.sms_per_segment < 0 ||
      p.data_per_mb < 0 || p.monthly_fee < 0) {
    problems.push_back("quota and prices cannot be negative");
  }
  if (auto rates = records::parse_voice_rates(p.voice_rates); !rates.ok()) {
    problems.push_back(rates.status().message());
  }
  if (auto rates = records::parse_class_rates(p.class_rates); !rates.ok()) {
    problems.push_back(rates.status().message());
  }
  if (!problems.empty()) return Status::Invalid("plan: " + join(problems, "; "));
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto tid = tenant_id(**lease, p.tenant_code);
  if (!tid.ok()) return tid.status();
  auto id = (*lease)->insert(
      "INSERT INTO plans (tenant_id, code, name, data_quota_bytes, voice_per_minute, "
      "voice_increment_s, sms_per_segment, data_per_mb, voice_rates, monthly_fee, class_rates) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {tid.value(), p.code, p.name.empty() ? p.code : p.name, p.data_quota_bytes,
       p.voice_per_minute, p.voice_increment_s, p.sms_per_segment, p.data_per_mb, p.voice_rates,
       p.monthly_fee, p.class_rates});
  if (!id.ok() && id.status().code() == Code::kFailedPrecondition) {
    return Status::Invalid("plan '" + p.code + "' already exists in tenant '" + p.tenant_code +
                           "'");
  }
  return id;
}

StatusOr<std::vector<Plan>> Directory::plans(const std::string& tenant_code) {
  return db_->select<Plan>(
      "SELECT p.id, t.code, p.code, p.name, p.data_quota_bytes, p.voice_per_minute, "
      "p.voice_increment_s, p.sms_per_segment, p.data_per_mb, p.voice_rates, p.monthly_fee, "
      "p.class_rates FROM plans p "
      "JOIN tenants t ON t.id = p.tenant_id WHERE t.code = ? ORDER BY p.code",
      {tenant_code}, [](const Row& r) {
        return Plan{as_int(r[0]),    as_text(r[1]),   as_text(r[2]),    as_text(r[3]),
                    as_int(r[4]),    as_double(r[5]), as_int(r[6]),     as_double(r[7]),
                    as_double(r[8]), as_text(r[9]),   as_double(r[10]), as_text(r[11])};
      });
}

StatusOr<int64_t> Directory::add_subscriber(const Subscriber& s) {
  std::vector<std::string> problems;
  if (!valid_code(s.account_id))
    problems.push_back("account id '" + s.account_id + "' is not valid");
  if (s.service_code.empty()) problems.push_back("service code is empty");
  if (s.email.find('@') == std::string::npos)
    problems.push_back("e-mail '" + s.email + "' is not an address");
  if (!problems.empty()) return Status::Invalid("subscriber: " + join(problems, "; "));
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  auto tid = tenant_id(c, s.tenant_code);
  if (!tid.ok()) return tid.status();
  auto plan = lookup_id(c, "SELECT id FROM plans WHERE tenant_id = ? AND code = ?",
                        {tid.value(), s.plan_code},
                        "unknown plan '" + s.plan_code + "' in tenant '" + s.tenant_code + "'");
  if (!plan.ok()) return plan.status();
  auto id = c.insert(
      "INSERT INTO subscribers (tenant_id, account_id, service_code, plan_id, email, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {tid.value(), s.account_id, s.service_code, plan.value(), s.email, now_us()});
  if (!id.ok() && id.status().code() == Code::kFailedPrecondition) {
    return Status::Invalid("account '" + s.account_id + "' already exists in tenant '" +
                           s.tenant_code + "'");
  }
  if (!id.ok()) return id;
  if (Status st = bump_version(c); !st.ok()) return st;
  return id;
}

StatusOr<std::vector<Subscriber>> Directory::subscribers(const std::string& tenant_code) {
  return db_->select<Subscriber>(
      std::string(kSubscriberColumns) + "WHERE t.code = ? ORDER BY s.account_id", {tenant_code},
      to_subscriber);
}

StatusOr<Subscriber> Directory::subscriber(int64_t subscriber_id) {
  auto found = db_->select<Subscriber>(std::string(kSubscriberColumns) + "WHERE s.id = ?",
                                       {subscriber_id}, to_subscriber);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("no subscriber " + std::to_string(subscriber_id));
  return found->front();
}

StatusOr<std::map<std::string, std::string>> Directory::merged_accounts(
    const std::string& tenant_code) {
  auto rows = db_->query(
      "SELECT s.account_id, m.account_id FROM subscribers s JOIN tenants t ON t.id = s.tenant_id "
      "JOIN subscribers m ON m.id = s.merged_into WHERE t.code = ?",
      {tenant_code});
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string> out;
  for (const Row& r : rows.value()) out[as_text(r[0])] = as_text(r[1]);
  return out;
}

std::optional<Directory::Resolved> Directory::resolve(Connection& c, const LineAssignment& line,
                                                      const std::vector<Resolved>& batch,
                                                      std::vector<std::string>& problems) {
  size_t before = problems.size();
  Resolved r;
  r.valid_from = line.valid_from;
  r.valid_to = line.valid_to;
  if (r.valid_to <= r.valid_from) problems.push_back("valid_to must be after valid_from");
  const std::pair<IdKind, const std::string*> raw[] = {
      {IdKind::kMsisdn, &line.msisdn}, {IdKind::kImsi, &line.imsi}, {IdKind::kIccid, &line.iccid}};
  for (const auto& [kind, value] : raw) {
    if (value->empty()) continue;
    auto normalized = normalize(kind, *value, numbering_);
    if (!normalized.ok()) {
      problems.push_back(normalized.status().message());
    } else {
      r.ids.emplace_back(kind, normalized.value());
    }
  }
  if (line.msisdn.empty() && line.imsi.empty() && line.iccid.empty()) {
    problems.push_back("no identifier (msisdn, imsi or iccid)");
  }
  auto tid = tenant_id(c, line.tenant_code);
  if (!tid.ok()) {
    problems.push_back(tid.status().message());
    return std::nullopt;
  }
  r.tenant_id = tid.value();
  auto sub = c.query("SELECT id, plan_id FROM subscribers WHERE tenant_id = ? AND account_id = ?",
                     {r.tenant_id, line.account_id});
  if (!sub.ok() || sub->empty()) {
    problems.push_back("unknown account '" + line.account_id + "' in tenant '" + line.tenant_code +
                       "'");
    return std::nullopt;
  }
  r.subscriber_id = as_int(sub.value()[0][0]);
  r.plan_id = as_int(sub.value()[0][1]);
  if (!line.plan_code.empty()) {
    auto plan = lookup_id(
        c, "SELECT id FROM plans WHERE tenant_id = ? AND code = ?", {r.tenant_id, line.plan_code},
        "unknown plan '" + line.plan_code + "' in tenant '" + line.tenant_code + "'");
    if (!plan.ok()) {
      problems.push_back(plan.status().message());
    } else {
      r.plan_id = plan.value();
    }
  }
  for (const auto& [kind, id] : r.ids) {
    std::string what =
        std::string(id_kind_name(kind)) + " " + id + " " + period(r.valid_from, r.valid_to);
    auto overlapping = c.query(std::string(kAssignmentColumns) +
                                   "WHERE a.id_kind = ? AND a.identifier = ? AND a.valid_from < ? "
                                   "AND a.valid_to > ?",
                               {id_kind_name(kind), id, r.valid_to, r.valid_from});
    if (!overlapping.ok()) {
      problems.push_back(overlapping.status().message());
      continue;
    }
    for (const Row& row : overlapping.value()) {
      AssignmentRow a = to_assignment(row);
      problems.push_back(what + " overlaps assignment #" + std::to_string(a.id) + " to tenant '" +
                         a.tenant_code + "' account '" + a.account_id + "' " +
                         period(a.valid_from, a.valid_to));
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      for (const auto& [other_kind, other_id] : batch[i].ids) {
        if (other_kind == kind && other_id == id && batch[i].valid_from < r.valid_to &&
            batch[i].valid_to > r.valid_from) {
          problems.push_back(what + " overlaps row " + std::to_string(i + 1) +
                             " of the same import " +
                             period(batch[i].valid_from, batch[i].valid_to));
        }
      }
    }
  }
  if (problems.size() != before) return std::nullopt;
  return r;
}

StatusOr<int64_t> Directory::insert(Connection& c, const Resolved& r) {
  if (Status st = bump_version(c); !st.ok()) return st;
  int64_t line_ref = 0;
  for (const auto& [kind, id] : r.ids) {
    auto inserted = c.insert(
        "INSERT INTO assignments (id_kind, identifier, line_ref, tenant_id, subscriber_id, "
        "plan_id, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id_kind_name(kind), id, line_ref, r.tenant_id, r.subscriber_id, r.plan_id, r.valid_from,
         r.valid_to, now_us()});
    if (!inserted.ok()) return inserted.status();
    if (line_ref == 0) {
      // The line is named after its first assignment.
      line_ref = inserted.value();
      Status st =
          c.execute("UPDATE assignments SET line_ref = ? WHERE id = ?", {line_ref, line_ref});
      if (!st.ok()) return st;
    }
  }
  return line_ref;
}

StatusOr<int64_t> Directory::assign_one(Connection& c, const LineAssignment& line,
                                        const char* what) {
  std::vector<std::string> problems;
  auto r = resolve(c, line, {}, problems);
  if (!r) return Status::Invalid(std::string(what) + " refused: " + join(problems, "; "));
  return insert(c, *r);
}

StatusOr<int64_t> Directory::assign(const LineAssignment& line) {
  int64_t line_ref = 0;
  Status st = db_->transaction([&](Connection& c) {
    auto ref = assign_one(c, line, "assignment");
    if (!ref.ok()) return ref.status();
    line_ref = ref.value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return line_ref;
}

StatusOr<int> Directory::import_assignments(const std::vector<LineAssignment>& lines) {
  Status st = db_->transaction([&](Connection& c) {
    std::vector<Resolved> batch;
    std::vector<std::string> problems;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::vector<std::string> row_problems;
      auto r = resolve(c, lines[i], batch, row_problems);
      for (const auto& p : row_problems)
        problems.push_back("row " + std::to_string(i + 1) + ": " + p);
      batch.push_back(r ? *r : Resolved{});
    }
    if (!problems.empty()) {
      return Status::Invalid("import refused, nothing applied (" + std::to_string(problems.size()) +
                             " problem(s)):\n  " + join(problems, "\n  "));
    }
    for (const auto& r : batch) {
      auto ref = insert(c, r);
      if (!ref.ok()) return ref.status();
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return static_cast<int>(lines.size());
}

StatusOr<records::HistoryChange> Directory::close_at(Connection& c, IdKind kind,
                                                     const std::string& id, int64_t at) {
  auto current = c.query(std::string(kAssignmentColumns) +
                             "WHERE a.id_kind = ? AND a.identifier = ? AND a.valid_from <= ? "
                             "AND a.valid_to > ?",
                         {id_kind_name(kind), id, at, at});
  if (!current.ok()) return current.status();
  if (current->empty()) {
    return Status::Invalid(std::string(id_kind_name(kind)) + " " + id + " has no assignment at " +
                           format_time_us(at) + " to end");
  }
  AssignmentRow old = to_assignment(current.value()[0]);
  if (old.valid_from == at) {
    return Status::Invalid("assignment #" + std::to_string(old.id) + " starts at " +
                           format_time_us(at) + "; ending it there would erase it");
  }
  Status closed = c.execute("UPDATE assignments SET valid_to = ? WHERE id = ?", {at, old.id});
  if (closed.ok()) closed = bump_version(c);
  if (!closed.ok()) return closed;
  auto tid = tenant_id(c, old.tenant_code);
  if (!tid.ok()) return tid.status();
  return records::HistoryChange{kind, id, tid.value(), at, old.valid_to};
}

namespace {

std::string describe(const char* what, const std::vector<records::HistoryChange>& changes,
                     int64_t at) {
  std::string out = what;
  for (size_t i = 0; i < changes.size(); ++i) {
    out += (i == 0 ? " of " : ", ") + std::string(id_kind_name(changes[i].kind)) + " " +
           changes[i].identifier;
  }
  return out + " at " + format_time_us(at);
}

}  // namespace

StatusOr<Correction> Directory::move(IdKind kind, const std::string& identifier,
                                     const LineAssignment& to) {
  auto normalized = normalize(kind, identifier, numbering_);
  if (!normalized.ok()) return normalized.status();
  Correction done;
  Status st = db_->transaction([&](Connection& c) {
    // `identifier` must be assigned at the move; the new holder's other identifiers (a
    // SIM handed over with its number) move too when they are.
    auto closed = close_at(c, kind, normalized.value(), to.valid_from);
    if (!closed.ok()) return closed.status();
    std::vector<records::HistoryChange> changes = {closed.value()};
    const std::pair<IdKind, const std::string*> others[] = {
        {IdKind::kMsisdn, &to.msisdn}, {IdKind::kImsi, &to.imsi}, {IdKind::kIccid, &to.iccid}};
    for (const auto& [other_kind, raw] : others) {
      if (raw->empty()) continue;
      auto other = normalize(other_kind, *raw, numbering_);
      if (!other.ok()) return other.status();
      if (other_kind == kind && other.value() == normalized.value()) continue;
      auto open = c.query(
          "SELECT id FROM assignments WHERE id_kind = ? AND identifier = ? AND valid_from < ? "
          "AND valid_to > ?",
          {id_kind_name(other_kind), other.value(), to.valid_from, to.valid_from});
      if (!open.ok()) return open.status();
      if (open->empty()) continue;
      auto also = close_at(c, other_kind, other.value(), to.valid_from);
      if (!also.ok()) return also.status();
      changes.push_back(also.value());
    }
    auto ref = assign_one(c, to, "move");
    if (!ref.ok()) return ref.status();
    done.line_ref = ref.value();
    done.ended = static_cast<int>(changes.size());
    auto moved =
        records::reattribute(c, numbering_, changes, describe("line move", changes, to.valid_from));
    if (!moved.ok()) return moved.status();
    done.records = moved.value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return done;
}

StatusOr<Correction> Directory::end(IdKind kind, const std::string& identifier, int64_t at) {
  return end({{kind, identifier}}, at, false);
}

StatusOr<Correction> Directory::end(const std::vector<std::pair<IdKind, std::string>>& identifiers,
                                    int64_t at, bool whole_line) {
  std::vector<std::pair<IdKind, std::string>> wanted;
  for (const auto& [kind, raw] : identifiers) {
    auto normalized = normalize(kind, raw, numbering_);
    if (!normalized.ok()) return normalized.status();
    wanted.emplace_back(kind, normalized.value());
  }
  if (wanted.empty()) return Status::Invalid("no identifier to end");
  Correction done;
  Status st = db_->transaction([&](Connection& c) {
    if (whole_line) {
      // Every identifier of the lines the given ones belong to, assigned at `at`.
      std::set<std::pair<IdKind, std::string>> all(wanted.begin(), wanted.end());
      for (const auto& [kind, id] : wanted) {
        auto lines = c.query(
            "SELECT b.id_kind, b.identifier FROM assignments a JOIN assignments b "
            "ON b.line_ref = a.line_ref WHERE a.id_kind = ? AND a.identifier = ? "
            "AND a.valid_from <= ? AND a.valid_to > ? AND b.valid_from <= ? AND b.valid_to > ?",
            {id_kind_name(kind), id, at, at, at, at});
        if (!lines.ok()) return lines.status();
        for (const Row& r : lines.value()) {
          auto k = parse_id_kind(as_text(r[0]));
          if (k.ok()) all.emplace(k.value(), as_text(r[1]));
        }
      }
      wanted.assign(all.begin(), all.end());
    }
    std::vector<records::HistoryChange> changes;
    for (const auto& [kind, id] : wanted) {
      auto closed = close_at(c, kind, id, at);
      if (!closed.ok()) return closed.status();
      changes.push_back(closed.value());
    }
    done.ended = static_cast<int>(changes.size());
    auto moved = records::reattribute(c, numbering_, changes, describe("line end", changes, at));
    if (!moved.ok()) return moved.status();
    done.records = moved.value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return done;
}

Status Directory::set_tenant_plugins(const std::string& tenant_code,
                                     const std::vector<std::string>& plugins) {
  for (const auto& p : plugins) {
    if (!valid_code(p)) return Status::Invalid("plugin name '" + p + "' is not valid");
  }
  Status st = db_->execute("UPDATE tenants SET plugins = ? WHERE code = ?",
                           {join(plugins, ","), tenant_code});
  if (!st.ok()) return st;
  auto t = tenant(tenant_code);
  return t.ok() ? Status::Ok() : t.status();
}

Status Directory::merge_accounts(const std::string& tenant_code, const std::string& from,
                                 const std::string& into) {
  return db_->transaction([&](Connection& c) {
    std::vector<std::string> problems;
    auto tid = tenant_id(c, tenant_code);
    if (!tid.ok()) return tid.status();
    struct Account {
      int64_t id = 0;
      std::string email, service_code;
      bool merged = false;
    };
    auto load = [&](const std::string& account) -> std::optional<Account> {
      auto rows = c.query(
          "SELECT id, email, service_code, merged_into FROM subscribers "
          "WHERE tenant_id = ? AND account_id = ?",
          {tid.value(), account});
      if (!rows.ok() || rows->empty()) {
        problems.push_back("unknown account '" + account + "' in tenant '" + tenant_code + "'");
        return std::nullopt;
      }
      const Row& r = rows.value()[0];
      return Account{as_int(r[0]), as_text(r[1]), as_text(r[2]), !storage::is_null(r[3])};
    };
    auto a = load(from);
    auto b = load(into);
    if (from == into) problems.push_back("an account cannot be merged into itself");
    if (a && a->merged) problems.push_back("account '" + from + "' was already merged");
    if (b && b->merged) problems.push_back("account '" + into + "' was merged into another");
    // Two holders' accounts (only a test build can switch this off, to show what it stops).
    const bool checked = !layer_off(Layer::kCheckedMerges);
    if (checked && a && b && a->email != b->email) {
      problems.push_back("e-mail addresses differ (" + a->email + " / " + b->email +
                         "): these are two holders' accounts");
    }
    if (checked && a && b && a->service_code != b->service_code) {
      problems.push_back("service codes differ (" + a->service_code + " / " + b->service_code +
                         "): these are two contracts");
    }
    if (!problems.empty()) {
      return Status::Invalid("merge of '" + from + "' into '" + into +
                             "' refused: " + join(problems, "; "));
    }
    Status st = c.execute("UPDATE assignments SET subscriber_id = ? WHERE subscriber_id = ?",
                          {b->id, a->id});
    if (st.ok())
      st = c.execute("UPDATE subscribers SET merged_into = ? WHERE id = ?", {b->id, a->id});
    auto kinds = records::catalogue(c);
    if (!kinds.ok()) return kinds.status();
    for (const records::KindDef& k : kinds.value()) {
      if (!st.ok()) break;
      st = c.execute("UPDATE " + k.table + " SET subscriber_id = ? WHERE subscriber_id = ?",
                     {b->id, a->id});
    }
    if (st.ok()) st = bump_version(c);
    return st;
  });
}

StatusOr<std::vector<AssignmentRow>> Directory::history(IdKind kind,
                                                        const std::string& identifier) {
  auto normalized = normalize(kind, identifier, numbering_);
  if (!normalized.ok()) return normalized.status();
  return db_->select<AssignmentRow>(
      std::string(kAssignmentColumns) +
          "WHERE a.id_kind = ? AND a.identifier = ? ORDER BY a.valid_from",
      {id_kind_name(kind), normalized.value()}, to_assignment);
}

StatusOr<std::vector<AssignmentRow>> Directory::assignments_of(const std::string& tenant_code) {
  return db_->select<AssignmentRow>(
      std::string(kAssignmentColumns) + "WHERE t.code = ? ORDER BY a.line_ref, a.id", {tenant_code},
      to_assignment);
}

StatusOr<std::vector<AssignmentRow>> Directory::assignments_of_subscriber(int64_t subscriber_id) {
  return db_->select<AssignmentRow>(
      std::string(kAssignmentColumns) + "WHERE a.subscriber_id = ? ORDER BY a.valid_from, a.id",
      {subscriber_id}, to_assignment);
}

}  // namespace mvne::tenancy
