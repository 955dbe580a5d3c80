// Every identifier the platform knows (MSISDNs, IMSIs, ICCIDs, account ids, e-mail
// addresses) and who holds or held it, kept in memory for the egress guard and reloaded
// when the directory changes (directory_version).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::egress {

struct Owner {
  int64_t tenant_id;
  int64_t subscriber_id;
};

// One load of the directory, immutable once built; `version` is the directory_version it
// was loaded at.
struct IdentifierSnapshot {
  int64_t version = -1;
  std::unordered_map<std::string, std::vector<Owner>> owners;

  // False when `token` is a known identifier of which `principal` was never a holder
  // (a principal of kind kNone holds nothing); true for tokens nobody holds.
  bool belongs(const auth::Principal& principal, const std::string& token) const;
};

class IdentifierIndex {
 public:
  // Account ids shorter than this are not indexed: they would match ordinary words.
  static constexpr size_t kMinAccountLength = 6;

  explicit IdentifierIndex(std::shared_ptr<storage::Database> db);

  using Clock = std::chrono::steady_clock;

  // Reloads when the directory changed since the last load. Fails (storage errors) when
  // the directory cannot be read; the index in use then stays as it was. Concurrent callers
  // share one read of the directory's version (the one in flight when they arrive).
  //
  // With `since` (the moment the output to check began to be made), a read of the version
  // that began at or after it is enough, however many callers it served: a change made
  // before the output was made is always seen, and a busy host reads the version once per
  // round without making each caller wait for one of its own.
  Status refresh(Clock::time_point since = {});
  // The index in use; never null (empty before the first load).
  std::shared_ptr<const IdentifierSnapshot> snapshot() const;

  // Reads the whole directory as it is now.
  static StatusOr<std::shared_ptr<const IdentifierSnapshot>> load(storage::Database& db);
  // Puts `snapshot` in use unless one of the same or a newer version already is (a slower
  // load that started earlier never replaces a newer one). True when it was put in use.
  bool install(std::shared_ptr<const IdentifierSnapshot> snapshot);

 private:
  Status check_and_load();

  std::shared_ptr<storage::Database> db_;
  std::mutex check_mu_;
  std::condition_variable checked_;
  bool checking_ = false;          // guarded by check_mu_: a caller is reading the version
  Clock::time_point check_began_;  // guarded by check_mu_: when the read in flight began
  uint64_t rounds_ = 0;            // guarded by check_mu_: version reads finished
  Status last_check_;              // guarded by check_mu_
  // When the last successful read began (steady clock ticks; 0 after a failure): read
  // without the lock by callers that give `since`.
  std::atomic<Clock::rep> last_good_began_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const IdentifierSnapshot> current_;  // guarded by mu_
};

}  // namespace mvne::egress
