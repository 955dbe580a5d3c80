// Finds what may be an identifier in bytes leaving the host, in the forms the platform
// stores identifiers in (IdentifierIndex): e-mail addresses lower-cased, words as written
// (account ids), and numbers as plain digits and as E.164 MSISDNs. A number may be written
// with the separators the MSISDN normaliser accepts ("090-1234-5678", "(080) 2000.0001",
// "0 8 0 2 0 0 0 0 0 0 1"): digit groups joined by up to kMaxGap of " .-()" are read as
// one number, and every span of consecutive groups with kMinDigits to kMaxDigits digits is
// a candidate, so "60 09020000001" yields both 09020000001 and 6009020000001.
// Linear in the input: each digit group starts at most kMaxDigits spans.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/tenancy/identifiers.h"

namespace mvne::egress {

// One candidate: the forms it may take in the index (one or two), and what kind it is.
struct Candidate {
  enum class Kind { kNumber, kEmail, kWord };
  Kind kind = Kind::kWord;
  std::string forms[2];
  int form_count = 0;
};

class IdentifierScan {
 public:
  static constexpr size_t kMinDigits = 8;   // shorter numbers are not identifiers
  static constexpr size_t kMaxDigits = 20;  // an ICCID; "00" + 15 E.164 digits is 17
  static constexpr size_t kMaxGap = 3;      // separators between two digit groups
  static constexpr size_t kMinWord = 6;     // IdentifierIndex::kMinAccountLength

  explicit IdentifierScan(tenancy::NumberingPlan numbering) : numbering_(std::move(numbering)) {}

  // Calls `visit` with each candidate of `bytes`; stops early when `visit` returns false.
  // Returns false when it stopped early.
  bool scan(std::string_view bytes, const std::function<bool(const Candidate&)>& visit) const;

  // Adds every form of every candidate in `text` to `forms`.
  void collect(std::string_view text, std::unordered_set<std::string>& forms) const;

 private:
  bool numbers(std::string_view bytes, Candidate& c,
               const std::function<bool(const Candidate&)>& visit) const;

  tenancy::NumberingPlan numbering_;
};

}  // namespace mvne::egress
