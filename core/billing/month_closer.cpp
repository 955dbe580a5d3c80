#include "core/billing/month_closer.h"

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/log/log.h"

namespace mvne::billing {
MonthCloser::MonthCloser(Bills* bills, tenancy::Directory* directory, audit::AuditLog* audit,
                         int close_after_hours, OnClosed on_closed)
    : bills_(bills),
      directory_(directory),
      audit_(audit),
      on_closed_(std::move(on_closed)),
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
  for (const auto& t : tenants.value()) {
    auto today = local_date(t.time_zone, now - grace_us_);
    if (!today.ok()) continue;
    std::string month = add_months(today->substr(0, 7), -1);
    auto run = bills_->close_month(t.code, month, now);
    if (!run.ok()) {
      // A later month closed by hand, or the database away: tried again next minute.
      if (run.status().code() != Code::kFailedPrecondition) {
        log::warn("billing", "closing " + t.code + " " + month + ": " + run.status().message());
      }
      continue;
    }
    if (run->already_closed) continue;
    ++closed;
    log::info("billing", "closed " + t.code + " " + month + ": " + std::to_string(run->bills) +
                             " bills, " + std::to_string(run->records) + " records, " +
                             std::to_string(run->adjustments) + " adjustments");
    (void)audit_->append(
        {0, 0, "operator:scheduler", "", "bill_run", "", run->bills, "", t.code + " " + month});
    if (on_closed_) on_closed_(run.value());
  }
  return closed;
}

}  // namespace mvne::billing
