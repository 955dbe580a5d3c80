// What the relay reads from a submitted message: who is Bcc (in the envelope, named in no
// To or Cc), the message without Bcc fields, the subject decoded for the sender's notice.
#include "core/relay/submitted_message.h"

#include <gtest/gtest.h>

namespace mvne::relay {
namespace {

const std::vector<std::string> kRecipients = {"to@x.example", "cc@y.example", "hidden@z.example",
                                              "boss@corp.example"};

TEST(Submitted, BccIsWhatNoToOrCcNames) {
  std::string data =
      "From: Sales <sales@corp.example>\r\n"
      "To: \"Taro\" <TO@x.example>,\r\n"
      "  other@w.example\r\n"
      "Cc: cc@y.example\r\n"
      "Bcc: hidden@z.example,\r\n boss@corp.example\r\n"
      "Subject: =?UTF-8?B?44GU6KuL5rGC5pu4?= =?UTF-8?B?44Gu44GK55+l44KJ44Gb?=\r\n"
      "Message-ID: <m1@corp.example>\r\n"
      "Date: Tue, 01 Dec 2026 09:30:00 +0900\r\n"
      "\r\n"
      "Bcc: in the body is just text\r\n";
  auto s = read_submitted(data, kRecipients, "relay.test", 0);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->to, std::vector<std::string>{"to@x.example"});
  EXPECT_EQ(s->cc, std::vector<std::string>{"cc@y.example"});
  EXPECT_EQ(s->bcc, (std::vector<std::string>{"hidden@z.example", "boss@corp.example"}));
  EXPECT_EQ(s->subject, "ご請求書のお知らせ");
  EXPECT_EQ(s->message_id, "<m1@corp.example>");
  EXPECT_EQ(s->data.find("hidden@z.example"), std::string::npos) << "the Bcc field is gone";
  EXPECT_EQ(s->data.find("boss@corp.example"), std::string::npos) << "with its folded line";
  EXPECT_NE(s->data.find("\r\n\r\nBcc: in the body is just text\r\n"), std::string::npos)
      << "the body is left as it came";
  EXPECT_NE(s->data.find("Cc: cc@y.example\r\nSubject:"), std::string::npos);
  EXPECT_EQ(header_naming(s->data, s->bcc), "");
}

TEST(Submitted, AMessageIdAndDateAreAddedWhenMissing) {
  auto s = read_submitted("From: a@corp.example\r\nTo: to@x.example\r\n\r\nhi\r\n",
                          {"to@x.example"}, "relay.test", 1796000000000000);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->message_id.find("@relay.test>"), std::string::npos);
  EXPECT_NE(s->data.find("Message-ID: " + s->message_id + "\r\n"), std::string::npos);
  EXPECT_NE(s->data.find("Date: "), std::string::npos);
  EXPECT_NE(s->data.find("\r\n\r\nhi\r\n"), std::string::npos);
}

TEST(Submitted, AMessageWithoutHeadersOrFromIsRefused) {
  EXPECT_FALSE(read_submitted("just text\r\n", {"a@x.example"}, "relay.test", 0).ok());
  EXPECT_FALSE(read_submitted("To: a@x.example\r\n\r\nx\r\n", {"a@x.example"}, "relay.test", 0).ok());
}

TEST(Submitted, ALineThatIsNoFieldEndsTheHeaderForEveryone) {
  // Without the empty line, one reader would take "Bcc:" below for a header, another for body.
  auto s = read_submitted("From: a@corp.example\r\nnot a field\r\nBcc: hidden@z.example\r\n",
                          {"hidden@z.example"}, "relay.test", 0);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->data.find("\r\n\r\nnot a field\r\nBcc: hidden@z.example"), std::string::npos)
      << s->data;
}

TEST(Submitted, ResentBccGoesToo) {
  auto s = read_submitted(
      "From: a@corp.example\r\nResent-Bcc: hidden@z.example\r\nTo: to@x.example\r\n\r\nx\r\n",
      {"to@x.example", "hidden@z.example"}, "relay.test", 0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->data.find("hidden"), std::string::npos);
  EXPECT_EQ(s->bcc, std::vector<std::string>{"hidden@z.example"});
}

TEST(HeaderNaming, FindsABccAddressInAnyField) {
  std::string data = "From: a@corp.example\r\nReply-To: Hidden <HIDDEN@z.example>\r\n\r\nx\r\n";
  EXPECT_EQ(header_naming(data, {"hidden@z.example"}), "reply-to");
  EXPECT_EQ(header_naming("From: a@corp.example\r\nBcc:\r\n\r\nx\r\n", {"q@z.example"}), "bcc")
      << "even an empty Bcc field is refused";
  EXPECT_EQ(header_naming(data, {"other@z.example"}), "");
}

TEST(DecodeHeaderText, CharsetsAndEncodings) {
  EXPECT_EQ(decode_header_text("plain words"), "plain words");
  EXPECT_EQ(decode_header_text("=?utf-8?q?caf=C3=A9_time?="), "café time");
  // ISO-2022-JP, as Japanese mail clients still send: "請求書"
  EXPECT_EQ(decode_header_text("=?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?="), "請求書");
  EXPECT_EQ(decode_header_text("=?x-unknown?B?AAAA?= tail"), "=?x-unknown?B?AAAA?= tail");
}

}  // namespace
}  // namespace mvne::relay
