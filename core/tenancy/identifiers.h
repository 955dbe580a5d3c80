// Line identifiers normalised at every entry point, so that one line never exists under two
// spellings: MSISDN to E.164 ("+" and 8 to 15 digits), IMSI and ICCID to digits only, the
// ICCID's Luhn check digit verified. Invalid input is refused with the reason.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"

namespace mvne::tenancy {

// How national numbers are written: "0312345678" with country code 81 and national
// prefix "0" is "+81312345678".
struct NumberingPlan {
  std::string country_code = "81";
  std::string national_prefix = "0";
  std::string international_prefix = "00";
};

enum class IdKind { kMsisdn, kImsi, kIccid };
const char* id_kind_name(IdKind kind);
StatusOr<IdKind> parse_id_kind(std::string_view name);

StatusOr<std::string> normalize_msisdn(std::string_view raw, const NumberingPlan& plan);
StatusOr<std::string> normalize_imsi(std::string_view raw);
StatusOr<std::string> normalize_iccid(std::string_view raw);
StatusOr<std::string> normalize(IdKind kind, std::string_view raw, const NumberingPlan& plan);

}  // namespace mvne::tenancy
