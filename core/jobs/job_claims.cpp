#include "core/jobs/job_claims.h"

#include "core/common/time.h"
#include "core/storage/value.h"

namespace mvne::jobs {

JobClaims::JobClaims(std::shared_ptr<storage::Database> db, std::string host_id,
                     std::chrono::milliseconds lease)
    : db_(std::move(db)), host_id_(std::move(host_id)), lease_us_(lease.count() * 1000) {}

StatusOr<bool> JobClaims::claim(const std::string& job, int64_t due_us) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  storage::Connection& c = **lease;
  Status st = c.execute(
      "{insert_ignore} INTO job_runs (job, due_at, host, claimed_at, finished_at) "
      "VALUES (?, ?, ?, ?, 0)",
      {job, due_us, host_id_, now_us()});
  if (!st.ok()) return st;
  const bool ours = c.changes() == 1;
  if (ours)
    (void)c.execute("DELETE FROM job_runs WHERE job = ? AND due_at < ?", {job, due_us - kKeptUs});
  return ours;
}

Status JobClaims::finish(const std::string& job, int64_t due_us) {
  return db_->execute(
      "UPDATE job_runs SET finished_at = ? WHERE job = ? AND due_at = ? AND host = ?",
      {now_us(), job, due_us, host_id_});
}

Status JobClaims::release(const std::string& job, int64_t due_us) {
  return db_->execute(
      "DELETE FROM job_runs WHERE job = ? AND due_at = ? AND host = ? AND finished_at = 0",
      {job, due_us, host_id_});
}

StatusOr<std::vector<Occurrence>> JobClaims::orphans(const std::string& prefix) {
  auto rows = db_->query(
      "SELECT job, due_at, host FROM job_runs r WHERE finished_at = 0 AND host <> ? AND NOT EXISTS "
      "(SELECT 1 FROM hosts h WHERE h.id = r.host "
      "AND h.last_seen > ?) ORDER BY due_at",
      {host_id_, now_us() - lease_us_});
  if (!rows.ok()) return rows.status();
  std::vector<Occurrence> out;
  for (const auto& row : rows.value()) {
    std::string job = storage::as_text(row[0]);
    if (job.compare(0, prefix.size(), prefix) != 0) continue;
    out.push_back({std::move(job), storage::as_int(row[1]), storage::as_text(row[2])});
  }
  return out;
}

StatusOr<bool> JobClaims::take_over(const Occurrence& orphan) {
  auto lease = db_->acquire();
  if (!lease.ok()) return lease.status();
  storage::Connection& c = **lease;
  Status st = c.execute(
      "UPDATE job_runs SET host = ?, claimed_at = ? "
      "WHERE job = ? AND due_at = ? AND host = ? AND finished_at = 0",
      {host_id_, now_us(), orphan.job, orphan.due_us, orphan.host});
  if (!st.ok()) return st;
  return c.changes() == 1;
}

Status JobClaims::give_back(const Occurrence& orphan) {
  return db_->execute(
      "UPDATE job_runs SET host = ? WHERE job = ? AND due_at = ? AND host = ? AND finished_at = 0",
      {orphan.host, orphan.job, orphan.due_us, host_id_});
}

}  // namespace mvne::jobs
