#include "core/audit/audit_log.h"

#include <sodium.h>

#include <algorithm>

#include "core/common/time.h"
#include "core/storage/conflicts.h"
#include "core/storage/statement_shapes.h"

namespace mvne::audit {
namespace {

using storage::as_int;
using storage::as_text;

constexpr const char* kColumns =
    "SELECT id, at, principal, plugin, action, record_kind, row_count, request_id, detail, "
    "prev_hash, hash, key_id FROM audit_log ";
constexpr const char* kInsert =
    "INSERT INTO audit_log (id, at, principal, plugin, action, record_kind, row_count, "
    "request_id, detail, prev_hash, hash, key_id) VALUES ";
constexpr size_t kInsertWidth = 12;

Entry to_entry(const storage::Row& r) {
  return {as_int(r[0]),  as_int(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]),
          as_text(r[5]), as_int(r[6]), as_text(r[7]), as_text(r[8])};
}

std::string to_hex(const unsigned char* data, size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, len);
  out.pop_back();
  return out;
}

// Appends `field` as an 8-byte big-endian length followed by its bytes.
void put_field(crypto_generichash_state& state, const std::string& field) {
  unsigned char length[8];
  uint64_t n = field.size();
  for (int i = 7; i >= 0; --i, n >>= 8) length[i] = static_cast<unsigned char>(n & 0xff);
  crypto_generichash_update(&state, length, sizeof length);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                            field.size());
}

// The largest statement shape that `remaining` rows fill without padding.
size_t exact_shape(size_t remaining) {
  size_t rows = std::min(remaining, storage::kMaxRowsPerStatement);
  while (storage::padded_rows(rows) != rows) --rows;
  return rows;
}

}  // namespace

std::string chain_hash(const AuditKey& key, const std::string& previous, const Entry& e) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.key.data()),
                          key.key.size(), crypto_generichash_BYTES);
  for (const std::string& field :
       {std::string("mvne-audit-v2"), key.id, previous, std::to_string(e.id), std::to_string(e.at),
        e.principal, e.plugin, e.action, e.record_kind, std::to_string(e.row_count), e.request_id,
        e.detail}) {
    put_field(state, field);
  }
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash_final(&state, out, sizeof out);
  return to_hex(out, sizeof out);
}

std::string unkeyed_chain_hash(const std::string& previous, const Entry& e) {
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
  return to_hex(out, sizeof out);
}

struct AuditLog::Pending {
  Entry entry;
  Status status;
  bool done = false;                    // guarded by mu_
  std::condition_variable wake;         // a waiting caller's: its row is committed (or not)
  std::function<void(Status)> on_done;  // an append_async caller's, instead of waiting
};

AuditLog::AuditLog(std::shared_ptr<storage::Database> db, std::shared_ptr<const KeyRing> keys)
    : db_(std::move(db)), keys_(std::move(keys)) {
  if (sodium_init() < 0) std::abort();
}

AuditLog::~AuditLog() = default;

Status AuditLog::append(Entry e) {
  if (e.at == 0) e.at = now_us();
  Pending mine{std::move(e), Status::Ok(), false, {}, {}};
  std::unique_lock lock(mu_);
  queue_.push_back(&mine);
  if (!committing_) drain(lock);
  mine.wake.wait(lock, [&] { return mine.done; });  // woken alone: never every waiter
  return mine.status;
}

void AuditLog::append_async(Entry e, std::function<void(Status)> done) {
  if (e.at == 0) e.at = now_us();
  auto* mine = new Pending{std::move(e), Status::Ok(), false, {}, std::move(done)};
  std::unique_lock lock(mu_);
  queue_.push_back(mine);
  if (!committing_) drain(lock);
}

void AuditLog::drain(std::unique_lock<std::mutex>& lock) {
  // No commit is running: this caller stores everything queued, in batches, until nothing
  // is left; rows that queue while a batch commits go into the next one (a group commit).
  committing_ = true;
  while (!queue_.empty()) {
    size_t n = std::min(queue_.size(), storage::kMaxRowsPerStatement);
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    Status st = commit(batch);
    std::vector<Pending*> called;
    lock.lock();
    for (Pending* p : batch) {
      if (p->on_done) {
        called.push_back(p);
        continue;
      }
      p->status = st;
      p->done = true;
      p->wake.notify_one();
    }
    lock.unlock();
    for (Pending* p : called) {
      std::unique_ptr<Pending> owned(p);
      try {
        owned->on_done(st);
      } catch (...) {
        // A caller's callback failing must not stop the commits of the others.
      }
    }
    lock.lock();
  }
  committing_ = false;
}

Status AuditLog::commit(std::vector<Pending*>& batch) {
  // Appenders on other hosts (on Galera, through other nodes) race for the head row: the
  // loser's transaction is run again on the new head (meanwhile this host's appends queue
  // up and go in the same transaction).
  return storage::run_again_on_conflict([&] { return commit_once(batch); });
}

Status AuditLog::commit_once(std::vector<Pending*>& batch) {
  if (!writer_) writer_ = std::make_unique<storage::WriterConnection>(db_);
  const AuditKey& key = keys_->current();
  return writer_->transaction([&](storage::Connection& c) {
    // The head row serialises appenders (also across hosts sharing a MariaDB).
    auto head = c.query("SELECT hash, row_count, last_id FROM audit_head WHERE id = 1{for_update}");
    if (!head.ok()) return head.status();
    std::string previous = as_text(head.value().at(0)[0]);
    int64_t count = as_int(head.value()[0][1]);
    int64_t id = as_int(head.value()[0][2]);
    storage::Params params;
    params.reserve(batch.size() * kInsertWidth);
    for (Pending* p : batch) {
      Entry& e = p->entry;
      e.id = ++id;
      std::string hash = chain_hash(key, previous, e);
      params.emplace_back(e.id);
      params.emplace_back(e.at);
      params.emplace_back(e.principal);
      params.emplace_back(e.plugin);
      params.emplace_back(e.action);
      params.emplace_back(e.record_kind);
      params.emplace_back(e.row_count);
      params.emplace_back(e.request_id);
      params.emplace_back(e.detail);
      params.emplace_back(previous);
      params.emplace_back(hash);
      params.emplace_back(key.id);
      previous = std::move(hash);
    }
    for (size_t done = 0; done < batch.size();) {
      size_t rows = exact_shape(batch.size() - done);
      storage::Params chunk(
          params.begin() + static_cast<std::ptrdiff_t>(done * kInsertWidth),
          params.begin() + static_cast<std::ptrdiff_t>((done + rows) * kInsertWidth));
      Status st =
          c.execute(std::string(kInsert) + storage::placeholders(rows, kInsertWidth), chunk);
      if (!st.ok()) return st;
      done += rows;
    }
    return c.execute("UPDATE audit_head SET hash = ?, row_count = ?, last_id = ? WHERE id = 1",
                     {previous, count + static_cast<int64_t>(batch.size()), id});
  });
}

StatusOr<VerifyReport> AuditLog::verify() {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  VerifyReport report;
  auto bad = [&](int64_t id, const std::string& why) {
    report.intact = false;
    report.bad_row = id;
    report.problem = "row #" + std::to_string(id) + " " + why;
    return report;
  };
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
      std::string key_id = as_text(r[11]);
      if (prev != running) {
        return bad(e.id,
                   "does not follow the row before it: a row was deleted or inserted before it");
      }
      if (key_id.empty()) return bad(e.id, "has no key id: it was written without the key");
      const AuditKey* key = keys_->find(key_id);
      if (key == nullptr) {
        return bad(e.id, "is signed with key '" + key_id +
                             "', which the key file does not hold (a key removed, or a "
                             "forged row)");
      }
      std::string expected = chain_hash(*key, prev, e);
      if (expected.size() != stored.size() ||
          sodium_memcmp(expected.data(), stored.data(), expected.size()) != 0) {
        return bad(e.id, "was changed after it was written");
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

Status AuditLog::seal_unkeyed() {
  {
    // Unkeyed rows can only precede keyed ones, so the first row tells.
    auto first = db_->query("SELECT key_id FROM audit_log ORDER BY id LIMIT 1");
    if (!first.ok()) return first.status();
    if (first->empty() || !as_text(first.value()[0][0]).empty()) return Status::Ok();
  }
  const AuditKey& key = keys_->current();
  return db_->transaction([&](storage::Connection& c) {
    auto head = c.query("SELECT hash, row_count FROM audit_head WHERE id = 1{for_update}");
    if (!head.ok()) return head.status();
    auto rows = c.query(std::string(kColumns) + "ORDER BY id");
    if (!rows.ok()) return rows.status();
    std::string running, resigned;
    for (const auto& r : rows.value()) {
      Entry e = to_entry(r);
      if (!as_text(r[11]).empty()) {
        return Status::Precondition("audit: row #" + std::to_string(e.id) +
                                    " is keyed but follows unkeyed rows; not sealing");
      }
      if (as_text(r[9]) != running || unkeyed_chain_hash(running, e) != as_text(r[10])) {
        return Status::Precondition("audit: the unkeyed chain breaks at row #" +
                                    std::to_string(e.id) + "; not sealing (run audit verify)");
      }
      running = as_text(r[10]);
      std::string hash = chain_hash(key, resigned, e);
      Status st = c.execute("UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = ? WHERE id = ?",
                            {resigned, hash, key.id, e.id});
      if (!st.ok()) return st;
      resigned = std::move(hash);
    }
    if (as_text(head.value().at(0)[0]) != running ||
        as_int(head.value()[0][1]) != static_cast<int64_t>(rows->size())) {
      return Status::Precondition("audit: the unkeyed log ends early; not sealing");
    }
    return c.execute("UPDATE audit_head SET hash = ? WHERE id = 1", {resigned});
  });
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
    // A prefix compared as bytes, not LIKE: '_' and '%' in a code are not wildcards.
    std::string consumers = "consumer:" + tenant_code + "/";
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
