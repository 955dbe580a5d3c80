#include "core/egress/identifier_index.h"

#include <algorithm>
#include <cctype>

namespace mvne::egress {

bool IdentifierSnapshot::belongs(const auth::Principal& p, const std::string& token) const {
  auto it = owners.find(token);
  if (it == owners.end()) return true;  // not an identifier the platform knows
  for (const Owner& o : it->second) {
    if (p.kind == auth::Principal::Kind::kTenant && o.tenant_id == p.tenant_id) return true;
    if (p.kind == auth::Principal::Kind::kConsumer && o.subscriber_id == p.subscriber_id)
      return true;
  }
  return false;
}

IdentifierIndex::IdentifierIndex(std::shared_ptr<storage::Database> db)
    : db_(std::move(db)), current_(std::make_shared<IdentifierSnapshot>()) {}

StatusOr<std::shared_ptr<const IdentifierSnapshot>> IdentifierIndex::load(storage::Database& db) {
  auto lease = db.acquire();
  if (!lease.ok()) return lease.status();
  auto version = (*lease)->query("SELECT version FROM directory_version WHERE id = 1");
  if (!version.ok()) return version.status();
  if (version->empty()) return Status::Internal("directory_version has no row");
  auto snapshot = std::make_shared<IdentifierSnapshot>();
  snapshot->version = storage::as_int(version.value().at(0)[0]);
  auto add = [&](std::string token, int64_t tenant, int64_t subscriber) {
    auto& owners = snapshot->owners[std::move(token)];
    for (const auto& o : owners) {
      if (o.tenant_id == tenant && o.subscriber_id == subscriber) return;
    }
    owners.push_back({tenant, subscriber});
  };
  auto ids = (*lease)->query("SELECT identifier, tenant_id, subscriber_id FROM assignments");
  if (!ids.ok()) return ids.status();
  for (const auto& r : ids.value())
    add(storage::as_text(r[0]), storage::as_int(r[1]), storage::as_int(r[2]));
  auto subs = (*lease)->query("SELECT account_id, email, tenant_id, id FROM subscribers");
  if (!subs.ok()) return subs.status();
  for (const auto& r : subs.value()) {
    std::string account = storage::as_text(r[0]);
    std::string email = storage::as_text(r[1]);
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (account.size() >= kMinAccountLength)
      add(account, storage::as_int(r[2]), storage::as_int(r[3]));
    add(email, storage::as_int(r[2]), storage::as_int(r[3]));
  }
  return std::shared_ptr<const IdentifierSnapshot>(std::move(snapshot));
}

Status IdentifierIndex::refresh(Clock::time_point since) {
  const bool bounded = since != Clock::time_point{};
  if (bounded &&
      last_good_began_.load(std::memory_order_acquire) >= since.time_since_epoch().count())
    return Status::Ok();
  std::unique_lock lock(check_mu_);
  while (checking_) {
    // Another caller is reading the version now: its answer is ours too when it began late
    // enough (without `since`: whenever it began, a moment old at most).
    const bool enough = !bounded || check_began_ >= since;
    const uint64_t round = rounds_;
    checked_.wait(lock, [&] { return rounds_ != round; });
    if (enough) return last_check_;
  }
  checking_ = true;
  const Clock::time_point began = Clock::now();
  check_began_ = began;
  lock.unlock();
  Status st = check_and_load();
  lock.lock();
  checking_ = false;
  ++rounds_;
  last_check_ = st;
  last_good_began_.store(st.ok() ? began.time_since_epoch().count() : 0, std::memory_order_release);
  checked_.notify_all();
  return st;
}

Status IdentifierIndex::check_and_load() {
  {
    auto lease = db_->acquire();
    if (!lease.ok()) return lease.status();
    auto version = (*lease)->query("SELECT version FROM directory_version WHERE id = 1");
    if (!version.ok()) return version.status();
    if (version->empty()) return Status::Internal("directory_version has no row");
    if (storage::as_int(version.value().at(0)[0]) <= snapshot()->version) return Status::Ok();
  }
  auto loaded = load(*db_);
  if (!loaded.ok()) return loaded.status();
  install(std::move(loaded).value());
  return Status::Ok();
}

std::shared_ptr<const IdentifierSnapshot> IdentifierIndex::snapshot() const {
  std::lock_guard lock(mu_);
  return current_;
}

bool IdentifierIndex::install(std::shared_ptr<const IdentifierSnapshot> snapshot) {
  std::lock_guard lock(mu_);
  if (snapshot->version <= current_->version) return false;
  current_ = std::move(snapshot);
  return true;
}

}  // namespace mvne::egress
