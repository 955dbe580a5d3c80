#include "core/billing/bill_format.h"

#include <cstdio>

#include "core/common/csv.h"
#include "core/common/time.h"

namespace mvne::billing {

nlohmann::ordered_json bill_json(const Bill& b, bool with_lines) {
  nlohmann::ordered_json out = {{"account", b.account_id},
                                {"month", b.period},
                                {"total", b.total},
                                {"closed", format_time_us(b.closed_at)}};
  if (with_lines) {
    auto lines = nlohmann::ordered_json::array();
    for (const auto& l : b.lines) {
      lines.push_back(
          {{"kind", l.kind}, {"label", l.label}, {"quantity", l.quantity}, {"amount", l.amount}});
    }
    out["lines"] = lines;
  }
  return out;
}

std::string bills_csv(const std::vector<Bill>& bills) {
  std::string out = "account,month,kind,label,quantity,amount\n";
  for (const auto& b : bills) {
    for (const auto& l : b.lines) {
      char amount[64];
      std::snprintf(amount, sizeof amount, "%.4f", l.amount);
      out += csv_field(b.account_id) + "," + b.period + "," + csv_field(l.kind) + "," +
             csv_field(l.label) + "," + std::to_string(l.quantity) + "," + amount + "\n";
    }
  }
  return out;
}

}  // namespace mvne::billing
