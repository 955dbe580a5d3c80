// Consumer passwords: argon2id through libsodium (crypto_pwhash_str), with the cost set in
// the config. Hashing is memory-hard on purpose, so the number of hashes computed at once is
// bounded: a login storm waits for a slot (then sheds) instead of exhausting memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <semaphore>
#include <string>

#include "core/common/status.h"

namespace mvne::auth {

struct PasswordCost {
  unsigned long long ops = 2;            // argon2id passes (libsodium's "interactive")
  size_t memory_kib = 64 * 1024;         // per hash (libsodium's "interactive": 64 MiB)
  int max_parallel = 2;                  // hashes computed at once
  std::chrono::milliseconds wait{2000};  // how long a login waits for a slot before 503
};

class Passwords {
 public:
  static constexpr size_t kMinLength = 8;
  static constexpr size_t kMaxLength = 256;  // bytes; longer is refused, not truncated

  explicit Passwords(PasswordCost cost);

  // Why `password` cannot be used, or ok: length within bounds, valid UTF-8, no control bytes.
  static Status acceptable(const std::string& password);

  // The encoded hash (algorithm, cost and salt included). kUnavailable when no slot freed.
  StatusOr<std::string> hash(const std::string& password);

  // Whether `password` matches `encoded`. An empty `encoded` (no such account, or no password
  // set) is checked against a hash of the same cost, so it takes the same time and fails.
  // kUnavailable when no slot freed in time.
  StatusOr<bool> verify(const std::string& encoded, const std::string& password);

  // True when `encoded` was made with another cost than the configured one: rehash at login.
  bool needs_rehash(const std::string& encoded) const;

  const PasswordCost& cost() const { return cost_; }

 private:
  // Runs `work` holding one of the max_parallel slots.
  template <typename Work>
  auto in_slot(Work work) -> StatusOr<decltype(work())>;

  PasswordCost cost_;
  std::counting_semaphore<1024> slots_;
  std::mutex decoy_mu_;
  std::string decoy_;  // the hash an unknown account is checked against, made when first needed
};

}  // namespace mvne::auth
