// Which host runs a scheduled job's occurrence. Hosts sharing a database compute the same due
// times (schedules are aligned to UTC), and before running an occurrence each inserts the row
// (job, due time) of table job_runs: the one whose insert went in runs it, the others skip
// it. So a job runs once per period across the hosts, not once per host. A host that dies
// while running an occurrence does not hand it over: the next occurrence runs as usual.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::jobs {

class JobClaims {
 public:
  JobClaims(std::shared_ptr<storage::Database> db, std::string host_id);

  // True when this host claimed the occurrence of `job` due at `due_us` (and runs it);
  // false when another host had. An error leaves the occurrence unclaimed.
  StatusOr<bool> claim(const std::string& job, int64_t due_us);

  // Rows of occurrences due this long ago are deleted as new ones are claimed.
  static constexpr int64_t kKeptUs = int64_t{35} * 86400 * 1000000;

 private:
  std::shared_ptr<storage::Database> db_;
  std::string host_id_;
};

}  // namespace mvne::jobs
