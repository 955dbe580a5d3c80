// Rating: the charge of a record from the prices of the plan its line had when the record
// happened. Plugins name the units and the class (call type or SMS direction); only the
// host reads plans.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::records {

struct VoicePrice {
  double per_minute = 0;
  int64_t increment_s = 1;  // 1: per second, 60: per minute
};

struct PlanPrices {
  VoicePrice voice;                                 // any call type not listed below
  std::map<std::string, VoicePrice> voice_by_type;  // "roaming", "incoming", ...
  double sms_per_segment = 0;
  std::map<std::string, double> per_class;  // MVNE_RATING_CLASS: price per unit by class
};

// "mms=10,video=25" (price per unit by rating class).
StatusOr<std::map<std::string, double>> parse_class_rates(const std::string& text);

// "roaming=180/60,incoming=0/1" (price per minute / increment in seconds, by call type).
StatusOr<std::map<std::string, VoicePrice>> parse_voice_rates(const std::string& text);

// The prices of `plan_ids`, read in one query.
StatusOr<std::map<int64_t, PlanPrices>> load_prices(storage::Connection& c,
                                                    const std::set<int64_t>& plan_ids);

// The charge for `units` (billable seconds or segments) of class `cls` under `rating`
// (MVNE_RATING_VOICE, MVNE_RATING_SMS or MVNE_RATING_CLASS), rounded to 1/10000.
double charge(int32_t rating, const PlanPrices& prices, int64_t units, const std::string& cls);

}  // namespace mvne::records
