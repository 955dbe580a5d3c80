#include "core/exports/bill_export.h"

#include "core/billing/bill_format.h"
#include "core/common/local_time.h"
#include "core/log/log.h"

namespace mvne::exports {

StatusOr<Outcome> export_bills(platform::Services& services, const std::string& base_dir,
                               const std::string& tenant_code, const std::string& month) {
  const std::string what = "bills of tenant '" + tenant_code + "', " + month;
  auto tenant = services.directory->tenant(tenant_code);
  if (!tenant.ok()) return tenant.status();
  if (tenant->export_dir.empty())
    return Status::Precondition(what + ": the tenant has no export directory");
  auto period = local_period(tenant->time_zone, month);
  if (!period.ok() || month.size() != 7) {
    return Status::Invalid(what + ": month must be YYYY-MM");
  }
  auto runs = services.db->query(
      "SELECT r.period FROM bill_runs r WHERE r.tenant_id = ? AND r.period = ?",
      {tenant->id, month});
  if (!runs.ok()) return runs.status();
  if (runs->empty()) {
    return Status::Precondition(what + ": the month is not closed (mvnectl bill run)");
  }
  auto bills = services.bills->of_tenant(tenant_code, month);
  if (!bills.ok()) return bills.status();
  int64_t lines = 0;
  for (const auto& b : bills.value()) lines += static_cast<int64_t>(b.lines.size());

  plugin::CallScope scope = tenant_scope(nullptr, tenant.value());
  FileSpec spec{"billing", "bills", "bill", "csv", month, period->first, period->second};
  auto out = deliver(services, base_dir, tenant.value(), spec, scope, [&](GuardedSink& sink) {
    return sink.write(billing::bills_csv(bills.value()), static_cast<uint64_t>(lines));
  });
  if (!out.ok()) return Status(out.status().code(), what + ": " + out.status().message());
  log::write(log::Level::kInfo, "billing", scope.request_id,
             "wrote " + out->file + ": " + std::to_string(out->rows) + " bill lines");
  return out;
}

}  // namespace mvne::exports
