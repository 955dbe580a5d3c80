#include "core/egress/guard.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/log/log.h"

namespace mvne::egress {
namespace {

bool email_local(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool email_domain(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == '@';
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The identifier-like tokens of `bytes`, each with the forms it may take: e-mail
// addresses, digit runs (as written and in E.164) and words.
std::vector<std::vector<std::string>> tokens(std::string_view bytes,
                                             const tenancy::NumberingPlan& numbering) {
  std::vector<std::vector<std::string>> out;
  for (size_t at = bytes.find('@'); at != std::string_view::npos; at = bytes.find('@', at + 1)) {
    size_t b = at, e = at + 1;
    while (b > 0 && email_local(bytes[b - 1])) --b;
    while (e < bytes.size() && email_domain(bytes[e])) ++e;
    if (b < at && e > at + 1) out.push_back({lower(std::string(bytes.substr(b, e - b)))});
  }
  for (size_t i = 0; i < bytes.size();) {
    char c = bytes[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') {
      size_t e = i;
      std::string digits;
      while (e < bytes.size() && (std::isdigit(static_cast<unsigned char>(bytes[e])) ||
                                  bytes[e] == '-' || (bytes[e] == '+' && e == i))) {
        if (bytes[e] != '-') digits += bytes[e];
        ++e;
      }
      if (digits.size() >= 8) {
        std::vector<std::string>& forms = out.emplace_back();
        if (digits[0] == '+') forms.push_back(digits);
        forms.push_back(digits[0] == '+' ? digits.substr(1) : digits);
        auto e164 = tenancy::normalize_msisdn(digits, numbering);
        if (e164.ok()) forms.push_back(e164.value());
      }
      i = e;
    } else if (word_char(c)) {
      size_t e = i;
      while (e < bytes.size() && word_char(bytes[e])) ++e;
      if (e - i >= IdentifierIndex::kMinAccountLength)
        out.push_back({std::string(bytes.substr(i, e - i))});
      i = e;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace

Guard::Guard(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering)
    : index_(std::move(db)), numbering_(std::move(numbering)) {}

bool Guard::belongs(const auth::Principal& p, const std::string& token) const {
  std::vector<Owner> owners = index_.owners(token);
  if (owners.empty()) return true;  // not an identifier the platform knows
  for (const Owner& o : owners) {
    if (p.kind == auth::Principal::Kind::kTenant && o.tenant_id == p.tenant_id) return true;
    if (p.kind == auth::Principal::Kind::kConsumer && o.subscriber_id == p.subscriber_id)
      return true;
  }
  return false;
}

Status Guard::check(const auth::Principal& principal, std::string_view bytes,
                    const std::set<std::string>& allowed) {
  Status st = index_.refresh();
  if (!st.ok()) return st;
  for (const auto& forms : tokens(bytes, numbering_)) {
    // A value of a row the principal read may appear in any of its forms.
    bool read = std::any_of(forms.begin(), forms.end(),
                            [&](const std::string& f) { return allowed.count(f) > 0; });
    if (read) continue;
    for (const std::string& token : forms) {
      if (belongs(principal, token)) continue;
      return Status::Precondition(
          "output to " + principal.describe() +
          " contains an identifier of another principal: " + log::mask_identifiers(token));
    }
  }
  return Status::Ok();
}

}  // namespace mvne::egress
