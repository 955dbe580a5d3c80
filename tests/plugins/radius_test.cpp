// The RADIUS accounting codec: authenticators per RFC 2866, every length checked, 3GPP
// vendor attributes split out. radclient checks the same code against FreeRADIUS's own.
#include "plugins/data_sessions/radius.h"

#include <gtest/gtest.h>

namespace data_sessions::radius {
namespace {

std::string u32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string start_request(const std::string& secret) {
  std::string imsi_vsa = u32(10415) + std::string{1, 17} + "440101000000001";
  return accounting_request(
      7,
      {{40, u32(1)}, {44, "sess-1"}, {31, "819010000001"}, {30, "internet.mvne"}, {26, imsi_vsa}},
      secret);
}

TEST(Radius, RequestAuthenticatorIsVerified) {
  std::string bytes = start_request("testing123");
  EXPECT_TRUE(request_authenticator_valid(bytes, "testing123"));
  EXPECT_FALSE(request_authenticator_valid(bytes, "wrong"));
  std::string tampered = bytes;
  tampered.back() ^= 1;
  EXPECT_FALSE(request_authenticator_valid(tampered, "testing123"));
}

TEST(Radius, ParsesAttributesAndVendorSpecific) {
  std::string bytes = start_request("s");
  std::string error;
  auto p = parse(bytes, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->code, kAccountingRequest);
  EXPECT_EQ(p->identifier, 7);
  ASSERT_NE(p->find(44), nullptr);
  EXPECT_EQ(p->find(44)->value, "sess-1");
  ASSERT_NE(p->find(26, 10415, 1), nullptr);
  EXPECT_EQ(p->find(26, 10415, 1)->value, "440101000000001");
}

TEST(Radius, ResponseAuthenticatorCoversTheRequestAuthenticator) {
  std::string error;
  auto request = parse(start_request("s"), error);
  ASSERT_TRUE(request);
  std::string response = accounting_response(*request, "s");
  ASSERT_EQ(response.size(), kHeaderSize);
  EXPECT_EQ(response[0], kAccountingResponse);
  EXPECT_EQ(response[1], 7);
  // Another secret or another request gives another authenticator.
  EXPECT_NE(response, accounting_response(*request, "t"));
  auto other = parse(start_request("other"), error);
  EXPECT_NE(response.substr(4), accounting_response(*other, "s").substr(4));
}

TEST(Radius, MalformedPacketsAreRefusedWithTheReason) {
  std::string good = start_request("s");
  std::string error;
  EXPECT_FALSE(parse(good.substr(0, 19), error));
  EXPECT_NE(error.find("shorter than the header"), std::string::npos);
  std::string long_length = good;
  long_length[2] = 0x01;  // 256 and more, longer than what arrived
  EXPECT_FALSE(parse(long_length, error));
  EXPECT_NE(error.find("exceeds"), std::string::npos) << error;
  std::string bad_attr = good;
  bad_attr[21] = 1;  // first attribute's length below 2
  EXPECT_FALSE(parse(bad_attr, error));
  EXPECT_NE(error.find("has length 1"), std::string::npos) << error;
  std::string overrun = good;
  overrun[21] = static_cast<char>(200);
  EXPECT_FALSE(parse(overrun, error));
  // Octets beyond the Length field are padding and ignored.
  EXPECT_TRUE(parse(good + "padding", error)) << error;
}

}  // namespace
}  // namespace data_sessions::radius
