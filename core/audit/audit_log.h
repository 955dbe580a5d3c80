// The append-only audit log of deliveries and operator actions. Each row carries the hash
// of the row before it, so a changed, inserted or deleted row breaks the chain, and
// verify() says where. exposure() answers "who was sent what in this window".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

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
  explicit AuditLog(std::shared_ptr<storage::Database> db);

  Status append(Entry entry);
  StatusOr<VerifyReport> verify();
  // Deliveries (actions other than operator changes) in [from, to), optionally of one
  // tenant's principals, summed by principal, plugin and record kind.
  StatusOr<std::vector<ExposureLine>> exposure(int64_t from, int64_t to,
                                               const std::string& tenant_code);
  StatusOr<std::vector<Entry>> entries(int64_t from, int64_t to);

 private:
  std::shared_ptr<storage::Database> db_;
};

// The chain hash of `entry` after `previous`.
std::string chain_hash(const std::string& previous, const Entry& entry);

}  // namespace mvne::audit
