#include "core/relay/release_links.h"

#include <sodium.h>

#include <cstring>

#include "core/auth/tokens.h"

namespace mvne::relay {
namespace {

std::string hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

}  // namespace

StatusOr<ReleaseLinks> ReleaseLinks::open(storage::Database& db) {
  Status st = db.execute("{insert_ignore} INTO relay_secrets (name, secret) VALUES ('links', ?)",
                         {auth::random_hex(32)});
  if (!st.ok()) return st;
  auto rows = db.query("SELECT secret FROM relay_secrets WHERE name = 'links'");
  if (!rows.ok()) return rows.status();
  ReleaseLinks links;
  std::string stored = rows->empty() ? "" : storage::as_text(rows->front()[0]);
  size_t len = 0;
  if (stored.size() != 64 ||
      sodium_hex2bin(links.key_.data(), links.key_.size(), stored.data(), stored.size(), nullptr,
                     &len, nullptr) != 0 ||
      len != links.key_.size())
    return Status::Internal("relay_secrets holds a link key that is not 32 bytes of hex");
  return links;
}

std::string ReleaseLinks::sign(int64_t id, const std::string& action, int64_t expires_s) const {
  std::string text = std::to_string(id) + "/" + action + "/" + std::to_string(expires_s);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                         key_.data());
  return hex(mac, sizeof mac);
}

std::string ReleaseLinks::url(const std::string& base, int64_t id, const std::string& action,
                              int64_t expires_s) const {
  return base + "/relay/v1/held/" + std::to_string(id) + "/" + action +
         "?expires=" + std::to_string(expires_s) + "&sig=" + sign(id, action, expires_s);
}

Status ReleaseLinks::check(int64_t id, const std::string& action, int64_t expires_s,
                           const std::string& sig, int64_t now_s) const {
  std::string expected = sign(id, action, expires_s);
  if (sig.size() != expected.size() ||
      sodium_memcmp(sig.data(), expected.data(), expected.size()) != 0)
    return Status::Invalid("this link is not valid");
  if (now_s > expires_s) return Status::Precondition("this link has expired");
  return Status::Ok();
}

}  // namespace mvne::relay
