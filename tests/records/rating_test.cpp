// Rating from the plan: per-second and per-minute increments, prices by call type, SMS by
// segment and direction; and the record kinds that ask for it.
#include "core/records/rating.h"

#include <gtest/gtest.h>

#include "core/records/record_kind.h"

namespace mvne::records {
namespace {

TEST(Rating, VoiceByIncrementAndCallType) {
  PlanPrices p;
  p.voice = {30, 60};  // 30 a minute, per started minute
  p.voice_by_type = parse_voice_rates("roaming=120/60,incoming=0/1,forwarded=6/1").value();
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 61, "outgoing"), 60);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 60, "outgoing"), 30);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 0, "outgoing"), 0);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 1, "roaming"), 120);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 500, "incoming"), 0);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 10, "forwarded"), 1);  // per second
  p.voice = {22, 1};
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_VOICE, p, 7, "outgoing"), 2.5667);
}

// Any record kind can be rated by class: units times the plan's price for the class (ABI 1.3).
TEST(Rating, ByClassFromThePlansRates) {
  PlanPrices p;
  p.per_class = parse_class_rates("mms=12.5, video=30").value();
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_CLASS, p, 3, "mms"), 37.5);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_CLASS, p, 2, "video"), 60);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_CLASS, p, 5, "fax"), 0) << "a class the plan does not price";
  for (const char* bad : {"mms", "=3", "mms=-1", "mms=ten", "MMS=1", "mms=1,mms=2"}) {
    EXPECT_FALSE(parse_class_rates(bad).ok()) << bad;
  }
  EXPECT_TRUE(parse_class_rates("").value().empty());
}

TEST(Rating, SmsBySegmentMoOnly) {
  PlanPrices p;
  p.sms_per_segment = 3.3;
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_SMS, p, 3, "MO"), 9.9);
  EXPECT_DOUBLE_EQ(charge(MVNE_RATING_SMS, p, 3, "MT"), 0);
}

TEST(Rating, MalformedRatesAreRefusedNamingTheItem) {
  for (const char* bad :
       {"roaming", "roaming=1", "roaming=x/60", "roaming=1/30", "=1/1", "roaming=-1/60"}) {
    auto r = parse_voice_rates(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(parse_voice_rates("ok=1/1,roaming=1/30").status().message().find("roaming=1/30"),
            std::string::npos);
  EXPECT_TRUE(parse_voice_rates("").ok());
}

TEST(Rating, RatedKindsNeedUnitsClassAndCharge) {
  KindDef k;
  k.plugin = "p";
  k.kind = "cdr";
  k.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
              {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
              {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
              {"secs", MVNE_FIELD_INT64, MVNE_ROLE_RATED_UNITS},
              {"type", MVNE_FIELD_TEXT, MVNE_ROLE_RATING_CLASS},
              {"charge", MVNE_FIELD_DOUBLE, MVNE_ROLE_CHARGE}};
  k.rating = MVNE_RATING_VOICE;
  EXPECT_TRUE(validate(k).ok());
  EXPECT_EQ(k.charge, 5);
  KindDef no_charge = k;
  no_charge.fields.pop_back();
  EXPECT_NE(validate(no_charge).message().find("RATED_UNITS, RATING_CLASS and CHARGE"),
            std::string::npos);
  KindDef wrong_type = k;
  wrong_type.fields[5].type = MVNE_FIELD_INT64;
  EXPECT_NE(validate(wrong_type).message().find("CHARGE role has the wrong type"),
            std::string::npos);
  KindDef unrated = k;
  unrated.rating = MVNE_RATING_NONE;
  EXPECT_NE(validate(unrated).message().find("not rated"), std::string::npos);
}

}  // namespace
}  // namespace mvne::records
