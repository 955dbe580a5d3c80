// How bills are shown: JSON (the tenant API, the app API and mvnectl) and CSV (one row per
// bill line, for the MVNO's own systems).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/billing/bills.h"

namespace mvne::billing {

// {"account", "month", "total", "closed"[, "lines": [{"kind", "label", "quantity", "amount"}]]}
nlohmann::ordered_json bill_json(const Bill& bill, bool with_lines);

// "account,month,kind,label,quantity,amount" and a row per line of each bill.
std::string bills_csv(const std::vector<Bill>& bills);

}  // namespace mvne::billing
