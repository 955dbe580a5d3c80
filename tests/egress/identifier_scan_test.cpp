// What the guard's scan reads as a possible identifier, and in which forms.
#include "core/egress/identifier_scan.h"

#include <gtest/gtest.h>

#include <set>

namespace mvne::egress {
namespace {

std::set<std::string> forms_of(std::string_view text) {
  std::unordered_set<std::string> forms;
  IdentifierScan(tenancy::NumberingPlan{}).collect(text, forms);
  return {forms.begin(), forms.end()};
}

// The separators the MSISDN normaliser accepts are read through: every spelling of one
// number yields its E.164 form.
TEST(IdentifierScan, NumbersWithSeparatorsYieldTheirE164Form) {
  for (const char* text :
       {"08020000001", "080-2000-0001", "0 8 0 2 0 0 0 0 0 0 1", "(080) 2000.0001", "080.2000.0001",
        "+81 80 2000 0001", "+818020000001", "818020000001", "00818020000001", "tel:080-2000-0001.",
        "id08020000001x"}) {
    EXPECT_EQ(forms_of(text).count("+818020000001"), 1u) << text;
  }
}

// A number next to other digits is still found on its own, and joined spans are extra
// candidates, never a replacement.
TEST(IdentifierScan, NeighbouringNumbersDoNotHideOne) {
  auto forms = forms_of("a1 60 08020000001 2026-10-01 (3)");
  EXPECT_EQ(forms.count("+818020000001"), 1u);
  EXPECT_EQ(forms.count("08020000001"), 1u);
  EXPECT_EQ(forms.count("6008020000001"), 1u);
}

// E-mail addresses are lower-cased, sentence punctuation dropped; words (account ids)
// are kept as written; short numbers and words are not candidates.
TEST(IdentifierScan, EmailsAndWords) {
  auto forms = forms_of("Write to H1@Acme.Example. Account ACME-000123, code 1234.");
  EXPECT_EQ(forms.count("h1@acme.example"), 1u);
  EXPECT_EQ(forms.count("ACME-000123"), 1u);
  EXPECT_EQ(forms.count("1234"), 0u);
  EXPECT_EQ(forms.count("Write"), 0u);
}

// The scan stays linear: a long run of single digits joined by spaces yields at most
// kMaxDigits spans per digit.
TEST(IdentifierScan, SpansPerDigitAreBounded) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "1 ";
  size_t spans = 0;
  IdentifierScan(tenancy::NumberingPlan{}).scan(text, [&](const Candidate& c) {
    spans += c.kind == Candidate::Kind::kNumber;
    return true;
  });
  EXPECT_LE(spans, 10000 * (IdentifierScan::kMaxDigits - IdentifierScan::kMinDigits + 1));
  EXPECT_GT(spans, 0u);
}

}  // namespace
}  // namespace mvne::egress
