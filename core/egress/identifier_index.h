// Every identifier the platform knows (MSISDNs, IMSIs, ICCIDs, account ids, e-mail
// addresses) and who holds or held it, kept in memory for the egress guard and reloaded
// when the directory changes (directory_version).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::egress {

struct Owner {
  int64_t tenant_id;
  int64_t subscriber_id;
};

class IdentifierIndex {
 public:
  // Account ids shorter than this are not indexed: they would match ordinary words.
  static constexpr size_t kMinAccountLength = 6;

  explicit IdentifierIndex(std::shared_ptr<storage::Database> db);

  // Reloads when the directory changed since the last load.
  Status refresh();
  // Every holder `token` ever had; empty when it is not a known identifier.
  std::vector<Owner> owners(const std::string& token) const;

 private:
  std::shared_ptr<storage::Database> db_;
  mutable std::mutex mu_;
  int64_t version_ = -1;  // guarded by mu_
  std::shared_ptr<const std::unordered_map<std::string, std::vector<Owner>>>
      index_;  // guarded by mu_
};

}  // namespace mvne::egress
