// The plugins' key-value state (table kv_store, one row per plugin, tenant and key), with a
// read cache of each plugin's own rows (tenant 0) that only ever answers with committed
// values, so the datagram path can read a session's state without a round trip.
//
// How the cache stays true: a write marks its keys pending (reads of a pending key go to
// the database) while its transaction still holds the rows' locks, and the entry becomes
// readable only when that same write is settled as committed. A second writer of the key
// cannot mark it before the first one's COMMIT released the lock, so the entry always
// follows the commit order; a write settled as failed forgets its keys. Clearing the cache
// is safe at any time, which is how it is kept bounded. It holds only while this process is
// the only writer of a plugin's own rows (mvnectl does not write them): a host that shares
// its database with others says so through set_sole_writer_check (HostPeers::alone), and
// while it is not alone every read goes to the database and nothing is cached; the cache
// starts empty again when it is alone again.
//
// A store is one (plugin, tenant) pair; the host gives calls without a tenant stores of
// their own under tenant ids of 0 and below (0 is the cached one). An empty value deletes
// its key. The number of keys of a store is bounded by count_write(), with a count kept in
// memory and recounted from the table now and then, so the bound is exact within one
// process and may be overshot by one key per concurrent writer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::storage {

class KvStore {
 public:
  using Writes = std::vector<std::pair<std::string, std::string>>;  // (key, value), in order

  // What a write inside a caller's transaction marked; give it to settle() once the
  // transaction ended.
  struct Ticket {
    uint64_t id = 0;
    std::vector<std::string> keys;  // cache keys
  };

  explicit KvStore(std::shared_ptr<Database> db, size_t max_cached = 200000);

  // The value of `key`, nullopt when there is none (or it was deleted).
  StatusOr<std::optional<std::string>> get(const std::string& plugin, int64_t tenant,
                                           const std::string& key);
  // Before a write of `key` (a deletion when `deleting`): admits it when it changes nothing
  // in the number of keys or the store stays within `max_keys`, and counts it; refuses with
  // kFailedPrecondition, naming the store, when the key would be one too many.
  Status count_write(const std::string& plugin, int64_t tenant, const std::string& key,
                     bool deleting, size_t max_keys);
  // Writes in the caller's open transaction (the last write of a key wins).
  StatusOr<Ticket> put_in(Connection& c, const std::string& plugin, int64_t tenant,
                          const Writes& writes);
  void settle(const Ticket& ticket, bool committed);
  // One write in its own transaction.
  Status put(const std::string& plugin, int64_t tenant, const std::string& key,
             const std::string& value);

  // `alone`, asked on every cached read and write: whether this process is the only writer
  // now. Unset: always.
  void set_sole_writer_check(std::function<bool()> alone);

  size_t cached_for_tests();

 private:
  struct Entry {
    std::string value;
    uint64_t writer = 0;  // the ticket that last marked it
    bool committed = false;
  };
  static std::string cache_key(const std::string& plugin, const std::string& key);
  StatusOr<int64_t> count_keys(const std::string& plugin, int64_t tenant);
  // With mu_ held: whether the cache may be used now; empties it when this process stops
  // being alone, and again when it is alone once more.
  bool cache_usable();

  struct KeyCount {
    int64_t keys = 0;
    int64_t changes = 0;  // counted since the last recount
    bool loaded = false;
  };
  // Counted changes after which the count is taken from the table again.
  static constexpr int64_t kRecountEvery = 10000;

  std::shared_ptr<Database> db_;
  const size_t max_cached_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;                // guarded by mu_
  uint64_t next_ticket_ = 0;                                    // guarded by mu_
  std::map<std::pair<std::string, int64_t>, KeyCount> counts_;  // guarded by mu_
  std::function<bool()> alone_;                                 // guarded by mu_
  bool bypassed_ = false;                                       // guarded by mu_
};

}  // namespace mvne::storage
