// The monthly bill file an MVNO receives: every bill of a closed month, one CSV row per bill
// line (as the tenant API's CSV: account, month, kind, label, quantity, amount), delivered as
// `<export dir>/billing/<tenant>_billing_bills_<YYYY-MM>.csv` with its manifest
// (tenant_file.h): egress-checked with the tenant as principal and audited. Written when the
// month closes and on demand (mvnectl bill export).
#pragma once

#include <string>

#include "core/common/status.h"
#include "core/exports/tenant_file.h"
#include "core/platform/services.h"

namespace mvne::exports {

// Refused when the month is not closed or the tenant has no export directory. Relative
// export directories resolve against `base_dir`.
StatusOr<Outcome> export_bills(platform::Services& services, const std::string& base_dir,
                               const std::string& tenant_code, const std::string& month);

}  // namespace mvne::exports
