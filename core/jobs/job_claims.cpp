#include "core/jobs/job_claims.h"

#include "core/common/time.h"

namespace mvne::jobs {

JobClaims::JobClaims(std::shared_ptr<storage::Database> db, std::string host_id)
    : db_(std::move(db)), host_id_(std::move(host_id)) {}

StatusOr<bool> JobClaims::claim(const std::string& job, int64_t due_us) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  storage::Connection& c = **lease;
  Status st =
      c.execute("{insert_ignore} INTO job_runs (job, due_at, host, claimed_at) VALUES (?, ?, ?, ?)",
                {job, due_us, host_id_, now_us()});
  if (!st.ok()) return st;
  const bool ours = c.changes() == 1;
  if (ours)
    (void)c.execute("DELETE FROM job_runs WHERE job = ? AND due_at < ?", {job, due_us - kKeptUs});
  return ours;
}

}  // namespace mvne::jobs
