// A tenant's mail settings: the sender name and reply-to address on the mail its consumers
// get from the platform, and the MVNO's contact address for the platform's notices to it
// (export ready). Set by operators (mvnectl mail tenant); empty fields: the platform's own.
#pragma once

#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::mail {

struct TenantMail {
  std::string sender_name;  // e.g. "Sakura Mobile"; empty: "<tenant name> (<[mail] from_name>)"
  std::string reply_to;     // empty: none
  std::string contact;      // empty: no notices to the MVNO
};

class TenantMailSettings {
 public:
  explicit TenantMailSettings(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}
  // The tenant's settings (all empty when never set); NotFound for an unknown tenant.
  StatusOr<TenantMail> get(const std::string& tenant_code);
  // Every problem named: an address that is not local@domain, a name with a line break.
  Status set(const std::string& tenant_code, const TenantMail& mail);

 private:
  StatusOr<int64_t> tenant_id(const std::string& tenant_code);
  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::mail
