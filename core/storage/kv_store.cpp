#include "core/storage/kv_store.h"

#include <map>

#include "core/storage/statement_shapes.h"

namespace mvne::storage {

KvStore::KvStore(std::shared_ptr<Database> db, size_t max_cached)
    : db_(std::move(db)), max_cached_(max_cached) {}

std::string KvStore::cache_key(const std::string& plugin, const std::string& key) {
  return plugin + '\0' + key;
}

StatusOr<std::optional<std::string>> KvStore::get(const std::string& plugin, int64_t tenant,
                                                  const std::string& key) {
  if (tenant == 0) {
    std::lock_guard lock(mu_);
    auto it = cache_usable() ? cache_.find(cache_key(plugin, key)) : cache_.end();
    if (it != cache_.end() && it->second.committed) {
      if (it->second.value.empty()) return {std::nullopt};  // deleted
      return {it->second.value};
    }
  }
  auto rows = db_->query("SELECT v FROM kv_store WHERE plugin = ? AND tenant_id = ? AND k = ?",
                         {plugin, tenant, key});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return {std::nullopt};
  return {as_text(rows.value()[0][0])};
}

StatusOr<int64_t> KvStore::count_keys(const std::string& plugin, int64_t tenant) {
  auto rows = db_->query("SELECT COUNT(*) FROM kv_store WHERE plugin = ? AND tenant_id = ?",
                         {plugin, tenant});
  if (!rows.ok()) return rows.status();
  return as_int(rows.value()[0][0]);
}

Status KvStore::count_write(const std::string& plugin, int64_t tenant, const std::string& key,
                            bool deleting, size_t max_keys) {
  auto existing = get(plugin, tenant, key);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() != deleting) return Status::Ok();  // the number of keys stays
  const std::pair<std::string, int64_t> store{plugin, tenant};
  const int64_t max = static_cast<int64_t>(max_keys);
  bool recount;
  {
    std::lock_guard lock(mu_);
    KeyCount& n = counts_[store];
    if (deleting) {
      if (n.loaded) --n.keys, ++n.changes;
      return Status::Ok();
    }
    recount = !n.loaded || n.keys + 1 > max || n.changes >= kRecountEvery;
    if (!recount) {
      ++n.keys, ++n.changes;
      return Status::Ok();
    }
  }
  auto counted = count_keys(plugin, tenant);
  if (!counted.ok()) return counted.status();
  std::lock_guard lock(mu_);
  KeyCount& n = counts_[store];
  n = {counted.value(), 0, true};
  if (n.keys + 1 > max) {
    return Status::Precondition("the key-value store of plugin '" + plugin + "' (" +
                                (tenant > 0 ? "tenant " + std::to_string(tenant) : "no tenant") +
                                ") already holds " + std::to_string(n.keys) + " keys, its limit");
  }
  ++n.keys, ++n.changes;
  return Status::Ok();
}

StatusOr<KvStore::Ticket> KvStore::put_in(Connection& c, const std::string& plugin, int64_t tenant,
                                          const Writes& writes) {
  std::map<std::string, std::string> last;
  for (const auto& [k, v] : writes) last[k] = v;
  std::vector<const std::pair<const std::string, std::string>*> upserts, deletes;
  for (const auto& write : last) (write.second.empty() ? deletes : upserts).push_back(&write);
  // An upsert (an existing row is updated in place), padded with the same write again,
  // which changes nothing.
  const char* upsert = c.dialect() == Dialect::kMysql
                           ? " ON DUPLICATE KEY UPDATE v = VALUES(v)"
                           : " ON CONFLICT (plugin, tenant_id, k) DO UPDATE SET v = excluded.v";
  auto it = upserts.begin();
  for (size_t left = upserts.size(), rows = 0; left > 0; left -= rows) {
    rows = statement_rows(left);
    Params params;
    for (size_t n = 0; n < rows; ++n, ++it)
      params.insert(params.end(), {plugin, tenant, (*it)->first, (*it)->second});
    const size_t shape = padded_rows(rows);
    pad_rows(params, rows, shape);
    Status st = c.execute(
        "INSERT INTO kv_store (plugin, tenant_id, k, v) VALUES " + placeholders(shape, 4) + upsert,
        params);
    if (!st.ok()) return st;
  }
  // Deletions, padded with the same key again.
  auto del = deletes.begin();
  for (size_t left = deletes.size(), rows = 0; left > 0; left -= rows) {
    rows = statement_rows(left);
    Params keys;
    for (size_t n = 0; n < rows; ++n, ++del) keys.push_back((*del)->first);
    const size_t shape = padded_rows(rows);
    pad_rows(keys, rows, shape);
    Params params{plugin, tenant};
    params.insert(params.end(), keys.begin(), keys.end());
    Status st = c.execute("DELETE FROM kv_store WHERE plugin = ? AND tenant_id = ? AND k IN (" +
                              placeholders(shape, 1) + ")",
                          params);
    if (!st.ok()) return st;
  }
  Ticket ticket;
  if (tenant != 0) return ticket;
  // The rows are locked by this transaction until it ends: mark them pending now.
  std::lock_guard lock(mu_);
  if (!cache_usable()) return ticket;
  ticket.id = ++next_ticket_;
  if (cache_.size() + last.size() > max_cached_) cache_.clear();
  for (auto& [k, v] : last) {
    std::string ck = cache_key(plugin, k);
    cache_[ck] = {std::move(v), ticket.id, false};
    ticket.keys.push_back(std::move(ck));
  }
  return ticket;
}

void KvStore::settle(const Ticket& ticket, bool committed) {
  std::lock_guard lock(mu_);
  for (const std::string& ck : ticket.keys) {
    auto it = cache_.find(ck);
    if (it == cache_.end() || it->second.writer != ticket.id) continue;  // a later write's now
    if (committed) {
      it->second.committed = true;
    } else {
      cache_.erase(it);
    }
  }
}

Status KvStore::put(const std::string& plugin, int64_t tenant, const std::string& key,
                    const std::string& value) {
  Ticket ticket;
  Status st = db_->transaction([&](Connection& c) {
    auto t = put_in(c, plugin, tenant, {{key, value}});
    if (!t.ok()) return t.status();
    ticket = std::move(t).value();
    return Status::Ok();
  });
  settle(ticket, st.ok());
  return st;
}

void KvStore::set_sole_writer_check(std::function<bool()> alone) {
  std::lock_guard lock(mu_);
  alone_ = std::move(alone);
}

bool KvStore::cache_usable() {
  if (alone_ && !alone_()) {
    if (!bypassed_) cache_.clear();
    bypassed_ = true;
    return false;
  }
  if (bypassed_) {  // another writer may have changed anything meanwhile
    cache_.clear();
    bypassed_ = false;
  }
  return true;
}

size_t KvStore::cached_for_tests() {
  std::lock_guard lock(mu_);
  return cache_.size();
}

}  // namespace mvne::storage
