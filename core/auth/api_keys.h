// Per-tenant API keys for the tenant API. A key is random, shown once when created, and
// stored only as a hash (libsodium BLAKE2b; the secret has 256 bits of entropy, so a slow
// password hash adds nothing). Keys expire and can be revoked.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/common/ttl_cache.h"
#include "core/storage/database.h"

namespace mvne::auth {

struct NewKey {
  std::string key_id;
  std::string token;  // "mvne_<key_id>.<secret>": give it to the tenant; it is not kept
  int64_t expires_at = 0;
};

struct KeyInfo {
  std::string key_id;
  std::string tenant_code;
  std::string label;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t revoked_at = 0;  // 0: active
};

class ApiKeys {
 public:
  // authenticate() reuses a key's stored row for at most this long: a key revoked (or made
  // to expire) by another process or host is refused at most this much later; one revoked
  // through this object at once.
  static constexpr std::chrono::milliseconds kCacheFor{1000};

  explicit ApiKeys(std::shared_ptr<storage::Database> db);

  StatusOr<NewKey> create(const std::string& tenant_code, const std::string& label,
                          int64_t expires_at);
  Status revoke(const std::string& key_id);
  StatusOr<std::vector<KeyInfo>> list(const std::string& tenant_code);

  // The tenant principal for a bearer token; fails for a malformed, unknown, wrong,
  // revoked or expired key, with a message that never contains the token.
  StatusOr<Principal> authenticate(const std::string& token, int64_t now);

 private:
  struct StoredKey {
    std::string secret_hash;
    int64_t expires_at;
    bool revoked;
    int64_t tenant_id;
    std::string tenant_code;
  };
  std::shared_ptr<storage::Database> db_;
  TtlCache<StoredKey> stored_;  // by key id
};

}  // namespace mvne::auth
