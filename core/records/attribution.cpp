#include "core/records/attribution.h"

#include "core/common/time.h"

namespace mvne::records {

StatusOr<Attribution> attribute(storage::Connection& c,
                                const std::vector<std::pair<tenancy::IdKind, std::string>>& ids,
                                int64_t event_time, const tenancy::NumberingPlan& numbering) {
  Attribution result;
  bool any = false;
  for (const auto& [kind, raw] : ids) {
    if (raw.empty()) continue;
    auto normalized = tenancy::normalize(kind, raw, numbering);
    if (!normalized.ok()) {
      result.reason = normalized.status().message();
      return result;
    }
    std::string what = std::string(tenancy::id_kind_name(kind)) + " " + normalized.value();
    auto rows = c.query(
        "SELECT id, tenant_id, subscriber_id, line_ref FROM assignments "
        "WHERE id_kind = ? AND identifier = ? AND valid_from <= ? AND valid_to > ?",
        {tenancy::id_kind_name(kind), normalized.value(), event_time, event_time});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      result.reason = what + " has no assignment at " + format_time_us(event_time);
      return result;
    }
    if (rows->size() > 1) {
      result.reason = what + " has " + std::to_string(rows->size()) + " assignments at " +
                      format_time_us(event_time);
      return result;
    }
    const auto& r = rows.value()[0];
    int64_t tenant = storage::as_int(r[1]);
    int64_t subscriber = storage::as_int(r[2]);
    if (!any) {
      result.assignment_id = storage::as_int(r[0]);
      result.tenant_id = tenant;
      result.subscriber_id = subscriber;
      result.line_ref = storage::as_int(r[3]);
      any = true;
    } else if (tenant != result.tenant_id || subscriber != result.subscriber_id) {
      result.reason = "identifiers disagree: " + what + " belongs to another holder (tenant " +
                      std::to_string(tenant) + ") than the record's other identifiers (tenant " +
                      std::to_string(result.tenant_id) + ") at " + format_time_us(event_time);
      return result;
    }
  }
  if (!any) {
    result.reason = "no identifier (MSISDN, IMSI or ICCID) in the record";
    return result;
  }
  result.attributed = true;
  return result;
}

}  // namespace mvne::records
