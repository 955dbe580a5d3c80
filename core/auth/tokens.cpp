#include "core/auth/tokens.h"

#include <sodium.h>

#include <cstdlib>
#include <vector>

namespace mvne::auth {
namespace {

std::string to_hex(const unsigned char* data, size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, len);
  out.pop_back();
  return out;
}

}  // namespace

std::string random_hex(size_t bytes) {
  if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can be done
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

std::string hash_secret(std::string_view secret, std::string_view label) {
  unsigned char key[crypto_generichash_KEYBYTES] = {};
  if (!label.empty()) {
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(label.data()),
                       label.size(), nullptr, 0);
  }
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), label.empty() ? nullptr : key, label.empty() ? 0 : sizeof key);
  return to_hex(out, sizeof out);
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mvne::auth
