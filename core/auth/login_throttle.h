// Slows down password guessing, per account and per client address. Kept in the database,
// so every host sees the same counts and an operator can unlock an account from mvnectl.
//
// An account may fail kFreeFailures times in a row; after that each attempt must wait twice
// as long as the one before (1 s, 2 s, 4 s ... up to kMaxDelay), and at kLockFailures it is
// locked for kLockFor. A client address gets the same back-off from kAddressFreeFailures on,
// and is never locked. Failures older than kForgetAfter are forgotten. Accounts that do not
// exist are throttled exactly like those that do, so throttling tells nothing about which
// exist.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::auth {

class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 3;
  static constexpr int kLockFailures = 10;
  static constexpr int kAddressFreeFailures = 20;
  static constexpr std::chrono::seconds kMaxDelay{300};
  static constexpr std::chrono::seconds kLockFor{900};
  static constexpr std::chrono::seconds kForgetAfter{3600};

  struct Verdict {
    bool allowed = true;
    bool locked = false;        // the account is locked (not just backing off)
    int64_t retry_after_s = 0;  // when not allowed
  };

  explicit LoginThrottle(std::shared_ptr<storage::Database> db);

  // Whether an attempt for (tenant, account) from `address` may be checked now.
  StatusOr<Verdict> check(const std::string& tenant, const std::string& account,
                          const std::string& address, int64_t now_us);
  // Counts a failed attempt; the verdict says whether the account is now locked.
  StatusOr<Verdict> failed(const std::string& tenant, const std::string& account,
                           const std::string& address, int64_t now_us);
  // A successful login clears the account's failures (not the address's).
  Status succeeded(const std::string& tenant, const std::string& account);
  // The operator's unlock: clears the account's failures and lock.
  Status unlock(const std::string& tenant, const std::string& account);

 private:
  struct Row {
    int64_t failures = 0;
    int64_t last_failure = 0;
    int64_t locked_until = 0;
  };
  StatusOr<Row> read(storage::Connection& c, const std::string& scope, const std::string& key,
                     int64_t now_us, bool for_update);
  Status add_failure(storage::Connection& c, const std::string& scope, const std::string& key,
                     int64_t now_us, bool may_lock, Row* after);

  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::auth
