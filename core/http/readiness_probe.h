// What /readyz checks beyond the plugins: that the database answers. A result is kept for
// a second, and one caller probes at a time while the others wait for its result, so a
// flood of /readyz requests costs at most one probe a second.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/storage/database.h"

namespace mvne::http {

struct ReadinessCheck {
  std::string name;  // "database"
  bool ok = true;
  std::string reason;  // why not, without configuration details (those go to the log)
};

class ReadinessProbe {
 public:
  // `db` may be null (no storage): then there is nothing to check.
  explicit ReadinessProbe(std::shared_ptr<storage::Database> db);

  // The checks, at most a second old. Thread-safe.
  std::vector<ReadinessCheck> run();

 private:
  std::shared_ptr<storage::Database> db_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point checked_at_;  // guarded by mu_
  std::vector<ReadinessCheck> last_;                  // guarded by mu_
};

}  // namespace mvne::http
