#include "core/auth/login_throttle.h"

#include <algorithm>

namespace mvne::auth {
namespace {

constexpr int64_t kSecond = 1000000;
const std::string kAccount = "account";
const std::string kAddress = "address";

// Tenant codes and account ids cannot hold a unit separator, so the key is unambiguous.
std::string account_key(const std::string& tenant, const std::string& account) {
  return tenant + '\x1f' + account;
}

// When the next attempt may be made after `failures` in a row, the last at `last`.
int64_t next_attempt(int64_t failures, int64_t last, int free_failures) {
  if (failures < free_failures) return 0;
  int64_t exponent = std::min<int64_t>(failures - free_failures, 20);
  int64_t delay = std::min<int64_t>(int64_t{1} << exponent, LoginThrottle::kMaxDelay.count());
  return last + delay * kSecond;
}

int64_t seconds_until(int64_t when, int64_t now) {
  return std::max<int64_t>(1, (when - now + kSecond - 1) / kSecond);
}

}  // namespace

LoginThrottle::LoginThrottle(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

StatusOr<LoginThrottle::Row> LoginThrottle::read(storage::Connection& c, const std::string& scope,
                                                 const std::string& key, int64_t now_us,
                                                 bool for_update) {
  std::string sql =
      "SELECT failures, last_failure_at, locked_until FROM login_throttle "
      "WHERE scope = ? AND k = ?";
  if (for_update) sql += "{for_update}";
  auto rows = c.query(sql, {scope, key});
  if (!rows.ok()) return rows.status();
  Row row;
  if (rows->empty()) return row;
  const auto& r = rows.value()[0];
  row = {storage::as_int(r[0]), storage::as_int(r[1]), storage::as_int(r[2])};
  bool forgotten =
      row.last_failure + kForgetAfter.count() * kSecond < now_us && row.locked_until <= now_us;
  return forgotten ? Row{} : row;
}

StatusOr<LoginThrottle::Verdict> LoginThrottle::check(const std::string& tenant,
                                                      const std::string& account,
                                                      const std::string& address, int64_t now_us) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto acc = read(**lease, kAccount, account_key(tenant, account), now_us, false);
  if (!acc.ok()) return acc.status();
  auto addr = read(**lease, kAddress, address, now_us, false);
  if (!addr.ok()) return addr.status();
  Verdict v;
  if (acc->locked_until > now_us) {
    return Verdict{false, true, seconds_until(acc->locked_until, now_us)};
  }
  int64_t when = std::max(next_attempt(acc->failures, acc->last_failure, kFreeFailures),
                          next_attempt(addr->failures, addr->last_failure, kAddressFreeFailures));
  if (when > now_us) v = Verdict{false, false, seconds_until(when, now_us)};
  return v;
}

Status LoginThrottle::add_failure(storage::Connection& c, const std::string& scope,
                                  const std::string& key, int64_t now_us, bool may_lock,
                                  Row* after) {
  auto row = read(c, scope, key, now_us, true);
  if (!row.ok()) return row.status();
  Row next = row.value();
  next.failures += 1;
  next.last_failure = now_us;
  if (may_lock && next.failures >= kLockFailures && next.locked_until <= now_us) {
    next.locked_until = now_us + kLockFor.count() * kSecond;
  }
  Status st = c.execute("DELETE FROM login_throttle WHERE scope = ? AND k = ?", {scope, key});
  if (st.ok()) {
    st = c.execute(
        "INSERT INTO login_throttle (scope, k, failures, last_failure_at, locked_until) "
        "VALUES (?, ?, ?, ?, ?)",
        {scope, key, next.failures, next.last_failure, next.locked_until});
  }
  if (after != nullptr) *after = next;
  return st;
}

StatusOr<LoginThrottle::Verdict> LoginThrottle::failed(const std::string& tenant,
                                                       const std::string& account,
                                                       const std::string& address, int64_t now_us) {
  Row acc;
  Status st = db_->transaction([&](storage::Connection& c) {
    Status s = add_failure(c, kAccount, account_key(tenant, account), now_us, true, &acc);
    if (!s.ok()) return s;
    return add_failure(c, kAddress, address, now_us, false, nullptr);
  });
  if (!st.ok()) return st;
  Verdict v;
  v.locked = acc.locked_until > now_us;
  return v;
}

Status LoginThrottle::succeeded(const std::string& tenant, const std::string& account) {
  return unlock(tenant, account);
}

Status LoginThrottle::unlock(const std::string& tenant, const std::string& account) {
  return db_->execute("DELETE FROM login_throttle WHERE scope = ? AND k = ?",
                      {kAccount, account_key(tenant, account)});
}

}  // namespace mvne::auth
