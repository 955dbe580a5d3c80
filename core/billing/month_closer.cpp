#include "core/billing/month_closer.h"

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/log/log.h"

namespace mvne::billing {

MonthCloser::MonthCloser(Bills* bills, tenancy::Directory* directory, audit::AuditLog* audit,
                         int close_after_hours, OnClosed on_closed, jobs::JobClaims* claims)
    : bills_(bills),
      directory_(directory),
      audit_(audit),
      on_closed_(std::move(on_closed)),
      claims_(claims),
      grace_us_(int64_t{close_after_hours} * 3600 * 1000000),
      // The first look comes a minute after start, once the spools have been read.
      worker_(std::chrono::minutes(1), [this, first = true]() mutable {
        if (!first) tick(now_us());
        first = false;
      }) {}

int MonthCloser::tick(int64_t now) {
  auto tenants = directory_->tenants();
  if (!tenants.ok()) {
    log::warn("billing", "cannot list tenants: " + tenants.status().message());
    return 0;
  }
  int closed = 0;
  for (const auto& t : tenants.value()) closed += close(t, now) ? 1 : 0;
  if (claims_ != nullptr) closed += adopt_orphans(now);
  return closed;
}

bool MonthCloser::close(const tenancy::Tenant& t, int64_t now) {
  auto today = local_date(t.time_zone, now - grace_us_);
  if (!today.ok()) return false;
  const std::string month = add_months(today->substr(0, 7), -1);
  auto period = local_period(t.time_zone, month);
  if (!period.ok()) return false;
  const std::string job = job_name(t.code);
  if (claims_ != nullptr) {
    auto ours = claims_->claim(job, period->first);
    if (!ours.ok()) {
      log::warn("billing", "closing " + t.code + " " + month + ": not claimed, tried again " +
                               "next minute: " + ours.status().message());
      return false;
    }
    if (!ours.value()) return false;  // this host or another has it (or had it)
  }
  auto run = bills_->close_month(t.code, month, now);
  if (!run.ok()) {
    if (claims_ != nullptr) (void)claims_->release(job, period->first);
    // A later month closed by hand, or the database away: tried again next minute.
    if (run.status().code() != Code::kFailedPrecondition) {
      log::warn("billing", "closing " + t.code + " " + month + ": " + run.status().message());
    }
    return false;
  }
  if (!run->already_closed) {
    log::info("billing", "closed " + t.code + " " + month + ": " + std::to_string(run->bills) +
                             " bills, " + std::to_string(run->records) + " records, " +
                             std::to_string(run->adjustments) + " adjustments");
    (void)audit_->append(
        {0, 0, "operator:scheduler", "", "bill_run", "", run->bills, "", t.code + " " + month});
    if (on_closed_) on_closed_(run.value());
  }
  if (claims_ != nullptr) (void)claims_->finish(job, period->first);
  return !run->already_closed;
}

// A host that claimed a month and died may have closed it without publishing it: the month
// is closed here if it is not yet, and published either way (notices are keyed, the export
// file is written whole again).
int MonthCloser::adopt_orphans(int64_t now) {
  const std::string prefix = job_name("");
  auto orphans = claims_->orphans(prefix);
  if (!orphans.ok()) {
    log::warn("billing", "looking for months of hosts gone: " + orphans.status().message());
    return 0;
  }
  int published = 0;
  for (const jobs::Occurrence& orphan : orphans.value()) {
    auto tenant = directory_->tenant(orphan.job.substr(prefix.size()));
    if (!tenant.ok()) continue;
    auto first_day = local_date(tenant->time_zone, orphan.due_us);
    if (!first_day.ok()) continue;
    const std::string month = first_day->substr(0, 7);
    auto ours = claims_->take_over(orphan);
    if (!ours.ok() || !ours.value()) continue;
    auto run = bills_->close_month(tenant->code, month, now);
    if (!run.ok()) {
      log::warn("billing", "closing " + tenant->code + " " + month + " (host " + orphan.host +
                               " gone before finishing it): " + run.status().message());
      (void)claims_->give_back(orphan);  // an orphan again: tried again next minute
      continue;
    }
    log::info("billing", tenant->code + " " + month + ": host " + orphan.host +
                             " is gone before finishing it; " +
                             (run->already_closed ? "publishing" : "closing and publishing") +
                             " it here");
    if (!run->already_closed) {
      (void)audit_->append({0, 0, "operator:scheduler", "", "bill_run", "", run->bills, "",
                            tenant->code + " " + month});
    }
    if (on_closed_) on_closed_(run.value());
    (void)claims_->finish(orphan.job, orphan.due_us);
    ++published;
  }
  return published;
}

}  // namespace mvne::billing
