#include "core/tenancy/identifiers.h"

namespace mvne::tenancy {
namespace {

// Drops the separators people write; refuses anything else that is not a digit.
StatusOr<std::string> digits_of(std::string_view raw, const char* what, bool allow_plus) {
  std::string digits;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else if (c == '+' && allow_plus && digits.empty() && i == raw.find_first_not_of(' ')) {
      digits += c;
    } else {
      return Status::Invalid(std::string(what) + " '" + std::string(raw) +
                             "': unexpected character '" + std::string(1, c) + "'");
    }
  }
  if (digits.empty() || digits == "+") {
    return Status::Invalid(std::string(what) + " '" + std::string(raw) + "': no digits");
  }
  return digits;
}

bool luhn_valid(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

}  // namespace

const char* id_kind_name(IdKind kind) {
  switch (kind) {
    case IdKind::kMsisdn:
      return "msisdn";
    case IdKind::kImsi:
      return "imsi";
    case IdKind::kIccid:
      return "iccid";
  }
  return "?";
}

StatusOr<IdKind> parse_id_kind(std::string_view name) {
  if (name == "msisdn") return IdKind::kMsisdn;
  if (name == "imsi") return IdKind::kImsi;
  if (name == "iccid") return IdKind::kIccid;
  return Status::Invalid("identifier kind '" + std::string(name) +
                         "': expected msisdn, imsi or iccid");
}

StatusOr<std::string> normalize_msisdn(std::string_view raw, const NumberingPlan& plan) {
  auto cleaned = digits_of(raw, "MSISDN", true);
  if (!cleaned.ok()) return cleaned;
  std::string d = cleaned.value();
  std::string international;
  if (d[0] == '+') {
    international = d.substr(1);
  } else if (!plan.international_prefix.empty() && d.rfind(plan.international_prefix, 0) == 0) {
    international = d.substr(plan.international_prefix.size());
  } else if (!plan.national_prefix.empty() && d.rfind(plan.national_prefix, 0) == 0) {
    international = plan.country_code + d.substr(plan.national_prefix.size());
  } else {
    international = d;  // already country code + national number
  }
  if (international.empty() || international[0] == '0') {
    return Status::Invalid("MSISDN '" + std::string(raw) + "': a country code cannot start with 0");
  }
  if (international.size() < 8 || international.size() > 15) {
    return Status::Invalid("MSISDN '" + std::string(raw) +
                           "': E.164 numbers have 8 to 15 digits, this has " +
                           std::to_string(international.size()));
  }
  return "+" + international;
}

StatusOr<std::string> normalize_imsi(std::string_view raw) {
  auto d = digits_of(raw, "IMSI", false);
  if (!d.ok()) return d;
  if (d->size() < 14 || d->size() > 15) {
    return Status::Invalid("IMSI '" + std::string(raw) + "': expected 14 or 15 digits, got " +
                           std::to_string(d->size()));
  }
  return d;
}

StatusOr<std::string> normalize_iccid(std::string_view raw) {
  auto d = digits_of(raw, "ICCID", false);
  if (!d.ok()) return d;
  if (d->size() < 18 || d->size() > 20) {
    return Status::Invalid("ICCID '" + std::string(raw) + "': expected 18 to 20 digits, got " +
                           std::to_string(d->size()));
  }
  if (!luhn_valid(d.value())) {
    return Status::Invalid("ICCID '" + std::string(raw) + "': check digit is wrong");
  }
  return d;
}

StatusOr<std::string> normalize(IdKind kind, std::string_view raw, const NumberingPlan& plan) {
  switch (kind) {
    case IdKind::kMsisdn:
      return normalize_msisdn(raw, plan);
    case IdKind::kImsi:
      return normalize_imsi(raw);
    case IdKind::kIccid:
      return normalize_iccid(raw);
  }
  return Status::Invalid("unknown identifier kind");
}

}  // namespace mvne::tenancy
