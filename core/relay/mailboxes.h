// The relay's tenants: the mailboxes that may submit (an address, its tenant and a password
// hash, never the password) and each tenant's hold policy (how long mail is held, and what
// happens to a message nobody released or cancelled by then).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::relay {

struct Mailbox {
  std::string address;  // lower-case
  int64_t tenant_id = 0;
  std::string password_hash;
  int64_t created_at = 0;
};

struct HoldPolicy {
  int64_t hold_s = 300;
  std::string on_expiry = "send";  // send, or discard
};

class Mailboxes {
 public:
  explicit Mailboxes(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

  // Invalid: not an address; FailedPrecondition: the address is another mailbox already.
  Status add(const std::string& address, int64_t tenant_id, const std::string& password_hash,
             int64_t now);
  Status set_password(const std::string& address, const std::string& password_hash);
  Status remove(const std::string& address);
  StatusOr<std::optional<Mailbox>> find(const std::string& address);
  // tenant_id 0: every tenant's.
  StatusOr<std::vector<Mailbox>> list(int64_t tenant_id);

  // The tenant's policy, or the default one when it has none.
  StatusOr<HoldPolicy> policy(int64_t tenant_id, const HoldPolicy& fallback);
  Status set_policy(int64_t tenant_id, const HoldPolicy& policy);

 private:
  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::relay
