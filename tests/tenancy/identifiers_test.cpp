#include "core/tenancy/identifiers.h"

#include <gtest/gtest.h>

namespace mvne::tenancy {
namespace {

const NumberingPlan kJapan{"81", "0", "010"};

// Every spelling of one number becomes the same E.164 string.
TEST(Identifiers, MsisdnSpellingsNormaliseToE164) {
  for (const char* spelling : {"090-1234-5678", "09012345678", "+81 90 1234 5678", "8190-1234-5678",
                               "010 81 90 1234 5678", "(090) 1234.5678"}) {
    auto n = normalize_msisdn(spelling, kJapan);
    ASSERT_TRUE(n.ok()) << spelling << ": " << n.status().message();
    EXPECT_EQ(n.value(), "+819012345678") << spelling;
  }
}

TEST(Identifiers, BadMsisdnsAreRefusedWithTheReason) {
  EXPECT_EQ(normalize_msisdn("090-1234-567x", kJapan).status().message(),
            "MSISDN '090-1234-567x': unexpected character 'x'");
  EXPECT_EQ(normalize_msisdn("12345", kJapan).status().message(),
            "MSISDN '12345': E.164 numbers have 8 to 15 digits, this has 5");
  EXPECT_FALSE(normalize_msisdn("", kJapan).ok());
  EXPECT_FALSE(normalize_msisdn("+0123456789", kJapan).ok());
  EXPECT_FALSE(normalize_msisdn("81+9012345678", kJapan).ok());
}

TEST(Identifiers, ImsiIsDigitsOnly) {
  EXPECT_EQ(normalize_imsi("440 10 1234567890").value(), "440101234567890");
  EXPECT_FALSE(normalize_imsi("44010123456789O").ok());
  EXPECT_FALSE(normalize_imsi("4401012345").ok());
}

// The ICCID's last digit is a Luhn check digit.
TEST(Identifiers, IccidCheckDigitIsVerified) {
  EXPECT_EQ(normalize_iccid("8981 1000 0000 0000 0004").value(), "89811000000000000004");
  EXPECT_EQ(normalize_iccid("89811000000000000007").status().message(),
            "ICCID '89811000000000000007': check digit is wrong");
  EXPECT_FALSE(normalize_iccid("8981").ok());
}

}  // namespace
}  // namespace mvne::tenancy
