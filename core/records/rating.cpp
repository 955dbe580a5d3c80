#include "core/records/rating.h"

#include <mvne/plugin.h>

#include <cmath>
#include <sstream>

#include "core/storage/statement_shapes.h"

namespace mvne::records {

StatusOr<std::map<std::string, VoicePrice>> parse_voice_rates(const std::string& text) {
  std::map<std::string, VoicePrice> out;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    auto slash = item.find('/', eq == std::string::npos ? 0 : eq);
    std::string problem = "voice rate '" + item + "': expected TYPE=PRICE_PER_MINUTE/INCREMENT_S";
    if (eq == std::string::npos || eq == 0 || slash == std::string::npos) {
      return Status::Invalid(problem);
    }
    VoicePrice price;
    try {
      size_t used = 0;
      std::string amount = item.substr(eq + 1, slash - eq - 1);
      price.per_minute = std::stod(amount, &used);
      if (used != amount.size()) return Status::Invalid(problem);
      std::string increment = item.substr(slash + 1);
      price.increment_s = std::stoll(increment, &used);
      if (used != increment.size()) return Status::Invalid(problem);
    } catch (const std::exception&) {
      return Status::Invalid(problem);
    }
    if (price.per_minute < 0 || (price.increment_s != 1 && price.increment_s != 60)) {
      return Status::Invalid("voice rate '" + item +
                             "': the price cannot be negative and the increment is 1 or 60");
    }
    out[item.substr(0, eq)] = price;
  }
  return out;
}

StatusOr<std::map<std::string, double>> parse_class_rates(const std::string& text) {
  std::map<std::string, double> out;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    const std::string problem = "class rate '" + item + "': expected class=price, e.g. mms=10";
    if (eq == 0 || eq == std::string::npos ||
        item.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") < eq) {
      return Status::Invalid(problem);
    }
    try {
      size_t used = 0;
      std::string price = item.substr(eq + 1);
      double value = std::stod(price, &used);
      if (used != price.size() || !(value >= 0)) return Status::Invalid(problem);
      if (!out.emplace(item.substr(0, eq), value).second) {
        return Status::Invalid("class rate '" + item.substr(0, eq) + "' is given twice");
      }
    } catch (const std::exception&) {
      return Status::Invalid(problem);
    }
  }
  return out;
}

StatusOr<std::map<int64_t, PlanPrices>> load_prices(storage::Connection& c,
                                                    const std::set<int64_t>& plan_ids) {
  std::map<int64_t, PlanPrices> out;
  if (plan_ids.empty()) return out;
  // Few plans per batch; padded to a fixed shape like every IN list.
  storage::Params params;
  for (int64_t id : plan_ids) params.emplace_back(std::in_place_type<int64_t>, id);
  const size_t shape = storage::padded_rows(params.size());
  storage::pad_rows(params, params.size(), shape);
  auto rows = c.query(
      "SELECT id, voice_per_minute, voice_increment_s, sms_per_segment, voice_rates, "
      "class_rates FROM plans WHERE id IN (" +
          storage::placeholders(shape, 1) + ")",
      params);
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows.value()) {
    PlanPrices p;
    p.voice = {storage::as_double(r[1]), storage::as_int(r[2])};
    p.sms_per_segment = storage::as_double(r[3]);
    auto by_type = parse_voice_rates(storage::as_text(r[4]));
    if (!by_type.ok()) return by_type.status();
    p.voice_by_type = std::move(by_type).value();
    auto by_class = parse_class_rates(storage::as_text(r[5]));
    if (!by_class.ok()) return by_class.status();
    p.per_class = std::move(by_class).value();
    out[storage::as_int(r[0])] = std::move(p);
  }
  return out;
}

double charge(int32_t rating, const PlanPrices& prices, int64_t units, const std::string& cls) {
  if (units <= 0) return 0;
  double amount = 0;
  if (rating == MVNE_RATING_VOICE) {
    auto it = prices.voice_by_type.find(cls);
    const VoicePrice& price = it == prices.voice_by_type.end() ? prices.voice : it->second;
    int64_t increment = price.increment_s > 0 ? price.increment_s : 1;
    int64_t billed_s = (units + increment - 1) / increment * increment;
    amount = static_cast<double>(billed_s) * price.per_minute / 60.0;
  } else if (rating == MVNE_RATING_SMS) {
    amount = cls == "MT" ? 0 : static_cast<double>(units) * prices.sms_per_segment;
  } else if (rating == MVNE_RATING_CLASS) {
    auto it = prices.per_class.find(cls);
    amount = it == prices.per_class.end() ? 0 : static_cast<double>(units) * it->second;
  }
  return std::round(amount * 10000.0) / 10000.0;
}

}  // namespace mvne::records
