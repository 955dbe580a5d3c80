// The secret keys of the audit chain. Each row's hash is a keyed BLAKE2b MAC, so someone who
// can rewrite the database but cannot read the key file cannot write rows that verify.
//
// The key file holds one key per line, "<key id> <64 hex digits>", oldest first; the last
// line signs new rows and every line verifies the rows signed with it (a rotation appends a
// line and keeps the others). The file must be owned by the user running the host and
// readable by nobody else; it is never stored in the database and never logged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace mvne::audit {

struct AuditKey {
  std::string id;   // 8 hex digits, recorded in every row the key signs
  std::string key;  // 32 raw bytes
};

class KeyRing {
 public:
  // Reads `path`; creates it (owner-only, with one fresh key) when it does not exist. Refuses
  // a file readable or writable by group or others, or with a malformed line (named).
  static StatusOr<std::shared_ptr<const KeyRing>> load_or_create(const std::string& path);
  // One random key held in memory only (tests and benchmarks).
  static std::shared_ptr<const KeyRing> ephemeral();
  // Appends a fresh key to `path`, which signs from then on; returns its id.
  static StatusOr<std::string> rotate(const std::string& path);

  const AuditKey& current() const { return keys_.back(); }
  // The key with `id`, or null when the ring does not have it.
  const AuditKey* find(const std::string& id) const;

 private:
  explicit KeyRing(std::vector<AuditKey> keys) : keys_(std::move(keys)) {}
  std::vector<AuditKey> keys_;  // never empty
};

}  // namespace mvne::audit
