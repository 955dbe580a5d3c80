// Which host runs a scheduled job's occurrence. Hosts sharing a database compute the same due
// times (schedules are aligned to UTC), and before running an occurrence each inserts the row
// (job, due time) of table job_runs: the one whose insert went in runs it, the others skip
// it. So a job runs once per period across the hosts, not once per host.
//
// The runner marks the row finished when the occurrence is done. An unfinished occurrence
// whose host is gone (its row in table `hosts` older than the lease, or a process on this
// machine that no longer runs: host_peers.h) is an orphan: another host takes it over (one
// does: the take-over is a compare-and-set on the row's host) and runs it again from the
// start. A job's occurrence may therefore run more than once when its host dies mid-run (or
// is cut off from the database for longer than the lease), never zero times: jobs are
// written to be run again (exports rewrite their file, a closed month is not closed twice,
// notices are keyed).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::jobs {

struct Occurrence {
  std::string job;     // "plugin:job:NAME", "plugin:export:NAME", "billing:close:TENANT"
  int64_t due_us = 0;  // the due time (the job's own key: a month's first instant, ...)
  std::string host;    // the host that claimed it
};

class JobClaims {
 public:
  // `lease`: a host whose row in `hosts` is older than this is gone (HostPeers' lease).
  JobClaims(std::shared_ptr<storage::Database> db, std::string host_id,
            std::chrono::milliseconds lease = std::chrono::milliseconds(5000));

  // True when this host claimed the occurrence of `job` due at `due_us` (and runs it);
  // false when another host had. An error leaves the occurrence unclaimed.
  StatusOr<bool> claim(const std::string& job, int64_t due_us);
  // The occurrence this host claimed (or took over) is done.
  Status finish(const std::string& job, int64_t due_us);
  // This host claimed the occurrence but could not run it (the database away, ...): the row
  // goes, so the occurrence is claimed again, here or elsewhere.
  Status release(const std::string& job, int64_t due_us);

  // Unfinished occurrences claimed by hosts that are gone, of jobs whose name starts with
  // `prefix`, oldest first (rows are kept kKeptUs).
  StatusOr<std::vector<Occurrence>> orphans(const std::string& prefix);
  // Makes `orphan` this host's, unless another host took it over first: true when it is
  // now this host's to run (and then to finish).
  StatusOr<bool> take_over(const Occurrence& orphan);
  // Hands a taken-over occurrence that could not be run (the database away, ...) back to
  // the host gone, so that it is an orphan again and taken over later.
  Status give_back(const Occurrence& orphan);

  // Rows of occurrences due this long ago are deleted as new ones are claimed.
  static constexpr int64_t kKeptUs = int64_t{35} * 86400 * 1000000;

 private:
  std::shared_ptr<storage::Database> db_;
  std::string host_id_;
  int64_t lease_us_;
};

}  // namespace mvne::jobs
