// The job that closes each tenant's previous month into bills once it has ended in the
// tenant's time zone and `[billing] close_after_hours` have passed (so that late CDRs of the
// month's last hours still make its bills rather than the next one's adjustments). Only the
// month just ended is closed automatically; older months are closed by hand (mvnectl bill
// run). Several hosts may run it: a month is closed once, whoever comes first.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/audit/audit_log.h"
#include "core/billing/bills.h"
#include "core/common/periodic_worker.h"
#include "core/tenancy/directory.h"

namespace mvne::billing {

class MonthCloser {
 public:
  // `on_closed`, if given, is called after each month this job closed (to export its bills).
  using OnClosed = std::function<void(const RunSummary&)>;
  MonthCloser(Bills* bills, tenancy::Directory* directory, audit::AuditLog* audit,
              int close_after_hours, OnClosed on_closed = nullptr);

  // Looks every minute, the first time a minute after start.
  void start() { worker_.start(); }
  void stop() { worker_.stop(); }

  // Closes every tenant's previous month that is due at `now_us`; returns how many it closed.
  int tick(int64_t now_us);

 private:
  Bills* bills_;
  tenancy::Directory* directory_;
  audit::AuditLog* audit_;
  OnClosed on_closed_;
  int64_t grace_us_;
  PeriodicWorker worker_;
};

}  // namespace mvne::billing
