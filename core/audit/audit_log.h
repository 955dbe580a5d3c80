// The append-only audit log of deliveries and operator actions. Each row carries the hash of
// the row before it and a MAC over both, keyed with a key kept outside the database
// (audit_keys.h): a changed, inserted or deleted row breaks the chain, a rewritten log does
// not verify without the key, and verify() names the first bad row. exposure() answers "who
// was sent what in this window".
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/audit/audit_keys.h"
#include "core/common/status.h"
#include "core/storage/database.h"
#include "core/storage/writer_connection.h"

namespace mvne::audit {

struct Entry {
  int64_t id = 0;
  int64_t at = 0;
  std::string principal;    // "tenant:acme", "operator:alice", ...
  std::string plugin;       // "" for the host itself
  std::string action;       // "http_response", "export_file", "line_assign", ...
  std::string record_kind;  // "" when none
  int64_t row_count = 0;
  std::string request_id;
  std::string detail;
};

struct VerifyReport {
  bool intact = true;
  int64_t rows_checked = 0;
  int64_t bad_row = 0;  // the first row that does not verify; 0 when none (or the end is cut)
  std::string problem;  // where the chain breaks, when it does
};

struct ExposureLine {
  std::string principal;
  std::string plugin;
  std::string record_kind;
  int64_t deliveries = 0;
  int64_t rows = 0;
};

class AuditLog {
 public:
  // Signs new rows with keys->current(); verifies with any key of the ring.
  AuditLog(std::shared_ptr<storage::Database> db, std::shared_ptr<const KeyRing> keys);
  ~AuditLog();

  // Stores `entry` and returns once it is committed (or failed). Thread-safe: the entries of
  // callers that arrive while a commit runs are stored together in the next one (a group
  // commit), so a caller waits for its own row while many share one transaction. A failed
  // commit fails every entry in it; none of them is stored.
  Status append(Entry entry);
  // The same without waiting: `done` is called with the outcome once the commit that holds
  // `entry` is over, on the thread that ran it (this one or another appender's), and must
  // not block. Appends that queue while a commit runs go into the next one.
  void append_async(Entry entry, std::function<void(Status)> done);
  StatusOr<VerifyReport> verify();
  // Rows written before the chain was keyed have no key id: this re-signs them with the
  // current key after checking their unkeyed chain, so that verify() can vouch for them.
  // Refuses (nothing changed) when that chain is already broken. Does nothing when every row
  // is keyed.
  Status seal_unkeyed();
  // Deliveries (actions other than operator changes) in [from, to), optionally of one
  // tenant's principals, summed by principal, plugin and record kind.
  StatusOr<std::vector<ExposureLine>> exposure(int64_t from, int64_t to,
                                               const std::string& tenant_code);
  StatusOr<std::vector<Entry>> entries(int64_t from, int64_t to);

 private:
  struct Pending;
  // Commits what is queued, batch after batch, until nothing is; with mu_ held on entry and
  // exit.
  void drain(std::unique_lock<std::mutex>& lock);
  Status commit(std::vector<Pending*>& batch);  // runs commit_once again after a conflict
  Status commit_once(std::vector<Pending*>& batch);

  std::shared_ptr<storage::Database> db_;
  std::shared_ptr<const KeyRing> keys_;
  std::mutex mu_;
  std::vector<Pending*> queue_;  // guarded by mu_
  bool committing_ = false;      // guarded by mu_; the committing caller owns writer_
  std::unique_ptr<storage::WriterConnection> writer_;
};

// The MAC of `entry` (its id included) after the row whose hash is `previous`, under `key`;
// every field is length-prefixed, so no two different rows encode alike.
std::string chain_hash(const AuditKey& key, const std::string& previous, const Entry& entry);

// The unkeyed hash rows had before the chain was keyed (read only, to seal such rows).
std::string unkeyed_chain_hash(const std::string& previous, const Entry& entry);

}  // namespace mvne::audit
