// The job that closes each tenant's previous month into bills once it has ended in the
// tenant's time zone and `[billing] close_after_hours` have passed (so that late CDRs of the
// month's last hours still make its bills rather than the next one's adjustments). Only the
// month just ended is closed automatically; older months are closed by hand (mvnectl bill
// run). Several hosts may run it: with claims, closing a tenant's month and publishing it
// (`on_closed`: the bill notices and export) is one occurrence that one host claims, and a
// host that dies before finishing it (after the close, before the notices) hands it over to
// another, which publishes the month it finds closed (jobs/job_claims.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/audit/audit_log.h"
#include "core/billing/bills.h"
#include "core/common/periodic_worker.h"
#include "core/jobs/job_claims.h"
#include "core/tenancy/directory.h"

namespace mvne::billing {

class MonthCloser {
 public:
  // `on_closed`, if given, is called after each month this job closed (to export its bills).
  using OnClosed = std::function<void(const RunSummary&)>;
  // `claims` may be null (a host alone, tests): every due month is closed here.
  MonthCloser(Bills* bills, tenancy::Directory* directory, audit::AuditLog* audit,
              int close_after_hours, OnClosed on_closed = nullptr,
              jobs::JobClaims* claims = nullptr);

  // Looks every minute, the first time a minute after start.
  void start() { worker_.start(); }
  void stop() { worker_.stop(); }

  // Closes every tenant's previous month that is due at `now_us`, and publishes the months
  // of hosts gone before publishing them; returns how many months it closed or published.
  int tick(int64_t now_us);

  // The claims' name of closing `tenant_code`'s months (the due time is the month's start).
  static std::string job_name(const std::string& tenant_code) {
    return "billing:close:" + tenant_code;
  }

 private:
  bool close(const tenancy::Tenant& tenant, int64_t now);
  int adopt_orphans(int64_t now);

  Bills* bills_;
  tenancy::Directory* directory_;
  audit::AuditLog* audit_;
  OnClosed on_closed_;
  jobs::JobClaims* claims_;
  int64_t grace_us_;
  PeriodicWorker worker_;
};

}  // namespace mvne::billing
