#include "core/egress/identifier_scan.h"

#include <cctype>

namespace mvne::egress {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// ASCII letters and digits, as std::isalnum in the "C" locale (without its call per byte).
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool email_local(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool email_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool word_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '@'; }
// What people write between the digits of one number (tenancy::normalize_msisdn drops them).
bool number_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }
// A sentence may end right after an identifier: "write to a@b.example."
size_t trim_punctuation(std::string_view s, size_t b, size_t e) {
  while (e > b && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
  return e;
}

}  // namespace

bool IdentifierScan::scan(std::string_view bytes,
                          const std::function<bool(const Candidate&)>& visit) const {
  Candidate c;
  c.kind = Candidate::Kind::kEmail;
  c.form_count = 1;
  for (size_t at = bytes.find('@'); at != std::string_view::npos; at = bytes.find('@', at + 1)) {
    size_t b = at, e = at + 1;
    while (b > 0 && email_local(bytes[b - 1])) --b;
    while (e < bytes.size() && email_domain(bytes[e])) ++e;
    e = trim_punctuation(bytes, at + 1, e);
    if (b == at || e == at + 1) continue;
    c.forms[0].assign(bytes.substr(b, e - b));
    for (char& ch : c.forms[0])
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!visit(c)) return false;
  }
  c.kind = Candidate::Kind::kWord;
  for (size_t i = 0; i < bytes.size();) {
    if (!word_char(bytes[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < bytes.size() && word_char(bytes[e])) ++e;
    size_t end = trim_punctuation(bytes, i, e);
    if (end - i >= kMinWord) {
      c.forms[0].assign(bytes.substr(i, end - i));
      if (!visit(c)) return false;
    }
    i = e;
  }
  return numbers(bytes, c, visit);
}

bool IdentifierScan::numbers(std::string_view bytes, Candidate& c,
                             const std::function<bool(const Candidate&)>& visit) const {
  struct Group {
    size_t begin, end;
  };
  std::vector<Group> groups;
  std::string digits, msisdn;
  c.kind = Candidate::Kind::kNumber;
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    if (!is_digit(bytes[i])) {
      ++i;
      continue;
    }
    // The digit groups of one written number.
    const bool plus = i > 0 && bytes[i - 1] == '+';
    groups.clear();
    for (size_t at = i;;) {
      size_t end = at;
      while (end < n && is_digit(bytes[end])) ++end;
      groups.push_back({at, end});
      size_t next = end;
      while (next < n && next - end <= kMaxGap && number_separator(bytes[next])) ++next;
      i = end;
      if (next == end || next - end > kMaxGap || next == n || !is_digit(bytes[next])) break;
      at = next;
    }
    for (size_t first = 0; first < groups.size(); ++first) {
      digits.clear();
      for (size_t g = first; g < groups.size(); ++g) {
        digits.append(bytes.substr(groups[g].begin, groups[g].end - groups[g].begin));
        if (digits.size() > kMaxDigits) break;
        if (digits.size() < kMinDigits) continue;
        c.forms[0] = digits;
        c.form_count = 1;
        // Past 15 digits only a number written with a national or international prefix
        // can still be an MSISDN.
        if (digits.size() <= 15 ||
            (digits[0] == '0' && digits.size() <= 15 + numbering_.international_prefix.size())) {
          msisdn.assign(plus && first == 0 ? "+" : "");
          msisdn += digits;
          auto e164 = tenancy::normalize_msisdn(msisdn, numbering_);
          if (e164.ok()) c.forms[c.form_count++] = std::move(e164).value();
        }
        if (!visit(c)) return false;
      }
    }
  }
  return true;
}

void IdentifierScan::collect(std::string_view text, std::unordered_set<std::string>& forms) const {
  scan(text, [&](const Candidate& c) {
    for (int f = 0; f < c.form_count; ++f) forms.insert(c.forms[f]);
    return true;
  });
}

}  // namespace mvne::egress
