#include "core/audit/audit_log.h"

#include <sodium.h>

#include "core/common/time.h"

namespace mvne::audit {
namespace {

using storage::as_int;
using storage::as_text;

constexpr const char* kColumns =
    "SELECT id, at, principal, plugin, action, record_kind, row_count, request_id, detail, "
    "prev_hash, hash FROM audit_log ";

Entry to_entry(const storage::Row& r) {
  return {as_int(r[0]),  as_int(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]),
          as_text(r[5]), as_int(r[6]), as_text(r[7]), as_text(r[8])};
}

}  // namespace

std::string chain_hash(const std::string& previous, const Entry& e) {
  // Fields are separated by a byte that cannot occur in them unescaped (0x1f), so two
  // different entries never serialise alike.
  std::string canonical = previous;
  for (const std::string& field :
       {std::to_string(e.id), std::to_string(e.at), e.principal, e.plugin, e.action, e.record_kind,
        std::to_string(e.row_count), e.request_id, e.detail}) {
    canonical += '\x1f';
    for (char c : field) canonical += c == '\x1f' ? ' ' : c;
  }
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

AuditLog::AuditLog(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {
  if (sodium_init() < 0) std::abort();
}

Status AuditLog::append(Entry e) {
  if (e.at == 0) e.at = now_us();
  return db_->transaction([&](storage::Connection& c) {
    // The head row serialises appenders (also across hosts sharing a MariaDB).
    auto head = c.query("SELECT hash, row_count FROM audit_head WHERE id = 1{for_update}");
    if (!head.ok()) return head.status();
    std::string previous = as_text(head.value().at(0)[0]);
    int64_t count = as_int(head.value()[0][1]);
    auto id = c.insert(
        "INSERT INTO audit_log (at, principal, plugin, action, record_kind, row_count, "
        "request_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
        {e.at, e.principal, e.plugin, e.action, e.record_kind, e.row_count, e.request_id, e.detail,
         previous});
    if (!id.ok()) return id.status();
    e.id = id.value();
    std::string hash = chain_hash(previous, e);
    Status st = c.execute("UPDATE audit_log SET hash = ? WHERE id = ?", {hash, e.id});
    if (!st.ok()) return st;
    return c.execute("UPDATE audit_head SET hash = ?, row_count = ? WHERE id = 1",
                     {hash, count + 1});
  });
}

StatusOr<VerifyReport> AuditLog::verify() {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  VerifyReport report;
  std::string running;
  int64_t last_id = 0;
  const int64_t kPage = 5000;
  while (true) {
    auto rows = (*lease)->query(
        std::string(kColumns) + "WHERE id > ? ORDER BY id LIMIT " + std::to_string(kPage),
        {last_id});
    if (!rows.ok()) return rows.status();
    for (const auto& r : rows.value()) {
      Entry e = to_entry(r);
      std::string prev = as_text(r[9]);
      std::string stored = as_text(r[10]);
      if (prev != running) {
        report.intact = false;
        report.problem = "row #" + std::to_string(e.id) +
                         " does not follow the row before it: a row was deleted or inserted "
                         "before it";
        return report;
      }
      if (chain_hash(prev, e) != stored) {
        report.intact = false;
        report.problem = "row #" + std::to_string(e.id) + " was changed after it was written";
        return report;
      }
      running = stored;
      last_id = e.id;
      ++report.rows_checked;
    }
    if (static_cast<int64_t>(rows->size()) < kPage) break;
  }
  auto head = (*lease)->query("SELECT hash, row_count FROM audit_head WHERE id = 1");
  if (!head.ok()) return head.status();
  int64_t expected = as_int(head.value().at(0)[1]);
  if (as_text(head.value()[0][0]) != running || expected != report.rows_checked) {
    report.intact = false;
    report.problem = "the log ends early: " + std::to_string(report.rows_checked) + " of " +
                     std::to_string(expected) + " rows remain (rows were deleted at the end)";
  }
  return report;
}

StatusOr<std::vector<ExposureLine>> AuditLog::exposure(int64_t from, int64_t to,
                                                       const std::string& tenant_code) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  std::string sql =
      "SELECT principal, plugin, record_kind, COUNT(*), SUM(row_count) FROM audit_log "
      "WHERE at >= ? AND at < ? AND action IN ('http_response', 'export_file', 'mail') ";
  storage::Params params = {from, to};
  if (!tenant_code.empty()) {
    // Exact: a code is no pattern ('_' would match any character).
    const std::string consumers = "consumer:" + tenant_code + "/";
    sql += "AND (principal = ? OR SUBSTR(principal, 1, ?) = ?) ";
    params.push_back("tenant:" + tenant_code);
    params.push_back(static_cast<int64_t>(consumers.size()));
    params.push_back(consumers);
  }
  sql += "GROUP BY principal, plugin, record_kind ORDER BY principal, plugin, record_kind";
  auto rows = (*lease)->query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<ExposureLine> out;
  for (const auto& r : rows.value()) {
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4])});
  }
  return out;
}

StatusOr<std::vector<Entry>> AuditLog::entries(int64_t from, int64_t to) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto rows =
      (*lease)->query(std::string(kColumns) + "WHERE at >= ? AND at < ? ORDER BY id", {from, to});
  if (!rows.ok()) return rows.status();
  std::vector<Entry> out;
  for (const auto& r : rows.value()) out.push_back(to_entry(r));
  return out;
}

}  // namespace mvne::audit
