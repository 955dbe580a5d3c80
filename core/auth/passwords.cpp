#include "core/auth/passwords.h"

#include <sodium.h>

#include <cstdlib>

#include "core/auth/tokens.h"

namespace mvne::auth {
namespace {

bool valid_utf8_without_controls(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

Passwords::Passwords(PasswordCost cost)
    : cost_(cost), slots_(std::max(1, std::min(cost.max_parallel, 1024))) {
  if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can be done
}

Status Passwords::acceptable(const std::string& password) {
  if (password.size() < kMinLength) {
    return Status::Invalid("a password needs at least " + std::to_string(kMinLength) +
                           " characters");
  }
  if (password.size() > kMaxLength) {
    return Status::Invalid("a password may have at most " + std::to_string(kMaxLength) + " bytes");
  }
  if (!valid_utf8_without_controls(password)) {
    return Status::Invalid("a password must be UTF-8 text without control characters");
  }
  return Status::Ok();
}

template <typename Work>
auto Passwords::in_slot(Work work) -> StatusOr<decltype(work())> {
  if (!slots_.try_acquire_for(cost_.wait)) {
    return Status::Unavailable("every password hashing slot is busy; retry later");
  }
  auto result = work();
  slots_.release();
  return result;
}

StatusOr<std::string> Passwords::hash(const std::string& password) {
  if (Status st = acceptable(password); !st.ok()) return st;
  auto encoded = in_slot([&]() -> std::string {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops,
                              cost_.memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return "";
    }
    return out;
  });
  if (!encoded.ok()) return encoded.status();
  if (encoded->empty()) return Status::Unavailable("password hashing ran out of memory");
  return encoded;
}

StatusOr<bool> Passwords::verify(const std::string& encoded, const std::string& password) {
  bool known = !encoded.empty();
  if (!known) {
    std::lock_guard lock(decoy_mu_);
    if (decoy_.empty()) {
      auto made = hash(random_hex(32));
      if (!made.ok()) return made.status();
      decoy_ = made.value();
    }
  }
  std::string against = known ? encoded : decoy_;
  auto match = in_slot([&] {
    return crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  });
  if (!match.ok()) return match.status();
  return known && match.value();
}

bool Passwords::needs_rehash(const std::string& encoded) const {
  return crypto_pwhash_str_needs_rehash(encoded.c_str(), cost_.ops, cost_.memory_kib * 1024) != 0;
}

}  // namespace mvne::auth
