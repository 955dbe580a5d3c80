// The mvne-host processes sharing one database. Each has a row in table `hosts` that it
// refreshes every beat; a host is *alone* when, at its last refresh, no other host's row was
// younger than the lease. Its view is trusted only for a little more than a beat after that
// refresh (a failed or late refresh means: not alone). A host that joins waits a few beats
// after writing its row and before it starts work, so every host already running has seen
// it by then: whatever a host caches while alone (the plugins' state, kv_store.h) is dropped
// before a second writer can write. A killed host's row counts until its lease runs out, or
// not at all when the dead process was on this machine.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/common/periodic_worker.h"
#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::platform {

class HostPeers {
 public:
  struct Timing {
    std::chrono::milliseconds beat{1000};   // refresh period
    std::chrono::milliseconds trust{1500};  // how long one refresh's view holds
    std::chrono::milliseconds lease{5000};  // a host not refreshed for this long is gone
    std::chrono::milliseconds join{2500};   // the wait after joining, longer than trust
  };

  // `id`: this process's name among the hosts; "" derives "host name:pid:process start", and
  // the row of such a process on this machine that no longer runs (killed) is not counted.
  HostPeers(std::shared_ptr<storage::Database> db, std::string id, Timing timing);
  HostPeers(std::shared_ptr<storage::Database> db, std::string id)
      : HostPeers(std::move(db), std::move(id), Timing{}) {}
  ~HostPeers();

  // Writes this host's row, starts refreshing, and when another host is there waits
  // `join` before returning. Fails when the row cannot be written.
  Status join();
  // Stops refreshing and removes the row (a host killed leaves it to expire).
  void leave();

  // Whether this host was the only one at its last refresh, and that refresh is recent.
  bool alone() const;
  const std::string& id() const { return id_; }
  const Timing& timing() const { return timing_; }
  int others() const { return others_.load(); }  // at the last refresh

 private:
  Status refresh();

  std::shared_ptr<storage::Database> db_;
  std::string id_;
  Timing timing_;
  std::atomic<int> others_{-1};              // -1: not known
  std::atomic<int64_t> refreshed_at_us_{0};  // the last successful refresh
  PeriodicWorker worker_;
};

}  // namespace mvne::platform
