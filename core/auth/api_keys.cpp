#include "core/auth/api_keys.h"

#include <sodium.h>

#include "core/auth/tokens.h"
#include "core/common/time.h"

namespace mvne::auth {
namespace {

constexpr char kPrefix[] = "mvne_";

}  // namespace

ApiKeys::ApiKeys(std::shared_ptr<storage::Database> db)
    : db_(std::move(db)), stored_(kCacheFor, 100000) {
  if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can be done
}

StatusOr<NewKey> ApiKeys::create(const std::string& tenant_code, const std::string& label,
                                 int64_t expires_at) {
  if (expires_at <= now_us()) return Status::Invalid("api key: expiry must be in the future");
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto tenant = (*lease)->query("SELECT id FROM tenants WHERE code = ?", {tenant_code});
  if (!tenant.ok()) return tenant.status();
  if (tenant->empty()) return Status::NotFound("unknown tenant '" + tenant_code + "'");
  NewKey key;
  key.key_id = random_hex(6);
  std::string secret = random_hex(32);
  key.token = kPrefix + key.key_id + "." + secret;
  key.expires_at = expires_at;
  auto id = (*lease)->insert(
      "INSERT INTO api_keys (tenant_id, key_id, secret_hash, label, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {storage::as_int(tenant.value()[0][0]), key.key_id, hash_secret(secret), label, now_us(),
       expires_at});
  if (!id.ok()) return id.status();
  return key;
}

Status ApiKeys::revoke(const std::string& key_id) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  Status st = (*lease)->execute(
      "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
      {now_us(), key_id});
  if (!st.ok()) return st;
  if ((*lease)->changes() == 0) return Status::NotFound("no active api key '" + key_id + "'");
  stored_.erase(key_id);
  return Status::Ok();
}

StatusOr<std::vector<KeyInfo>> ApiKeys::list(const std::string& tenant_code) {
  auto rows = db_->query(
      "SELECT k.key_id, t.code, k.label, k.created_at, k.expires_at, k.revoked_at "
      "FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE t.code = ? ORDER BY k.id",
      {tenant_code});
  if (!rows.ok()) return rows.status();
  std::vector<KeyInfo> out;
  for (const auto& r : rows.value()) {
    out.push_back({storage::as_text(r[0]), storage::as_text(r[1]), storage::as_text(r[2]),
                   storage::as_int(r[3]), storage::as_int(r[4]), storage::as_int(r[5])});
  }
  return out;
}

StatusOr<Principal> ApiKeys::authenticate(const std::string& token, int64_t now) {
  size_t dot = token.find('.');
  if (token.rfind(kPrefix, 0) != 0 || dot == std::string::npos || dot + 1 >= token.size()) {
    return Status::Invalid("malformed api key");
  }
  std::string key_id = token.substr(sizeof(kPrefix) - 1, dot - (sizeof(kPrefix) - 1));
  std::string secret = token.substr(dot + 1);
  // Unknown ids are not kept: guessing ids cannot push real keys out of the cache.
  auto stored = stored_.get(key_id, [&]() -> StatusOr<StoredKey> {
    auto rows = db_->query(
        "SELECT k.secret_hash, k.expires_at, k.revoked_at, t.id, t.code FROM api_keys k "
        "JOIN tenants t ON t.id = k.tenant_id WHERE k.key_id = ?",
        {key_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("unknown api key " + key_id);
    const auto& r = rows.value()[0];
    return StoredKey{storage::as_text(r[0]), storage::as_int(r[1]), !storage::is_null(r[2]),
                     storage::as_int(r[3]), storage::as_text(r[4])};
  });
  if (!stored.ok()) return stored.status();
  const StoredKey& k = stored.value();
  if (!same_secret(k.secret_hash, hash_secret(secret))) {
    return Status::Invalid("wrong secret for api key " + key_id);
  }
  if (k.revoked) return Status::Invalid("api key " + key_id + " is revoked");
  if (k.expires_at <= now) return Status::Invalid("api key " + key_id + " has expired");
  Principal p;
  p.kind = Principal::Kind::kTenant;
  p.tenant_id = k.tenant_id;
  p.tenant_code = k.tenant_code;
  p.name = key_id;
  return p;
}

}  // namespace mvne::auth
