#include "core/egress/identifier_index.h"

#include <algorithm>
#include <cctype>

namespace mvne::egress {

IdentifierIndex::IdentifierIndex(std::shared_ptr<storage::Database> db)
    : db_(std::move(db)),
      index_(std::make_shared<std::unordered_map<std::string, std::vector<Owner>>>()) {}

Status IdentifierIndex::refresh() {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  auto version = (*lease)->query("SELECT version FROM directory_version WHERE id = 1");
  if (!version.ok()) return version.status();
  int64_t current = storage::as_int(version.value().at(0)[0]);
  {
    std::lock_guard lock(mu_);
    if (current == version_) return Status::Ok();
  }
  auto index = std::make_shared<std::unordered_map<std::string, std::vector<Owner>>>();
  auto add = [&](std::string token, int64_t tenant, int64_t subscriber) {
    auto& owners = (*index)[std::move(token)];
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
  std::lock_guard lock(mu_);
  index_ = index;
  version_ = current;
  return Status::Ok();
}

std::vector<Owner> IdentifierIndex::owners(const std::string& token) const {
  std::shared_ptr<const std::unordered_map<std::string, std::vector<Owner>>> index;
  {
    std::lock_guard lock(mu_);
    index = index_;
  }
  auto it = index->find(token);
  return it == index->end() ? std::vector<Owner>{} : it->second;
}

}  // namespace mvne::egress
