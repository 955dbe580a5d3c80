// Rendering: no Bcc in any header (seed case 2), only in the envelope; Japanese subjects and
// names as encoded-words that decode back; header injection refused, naming the field.
#include "core/mail/mime.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <regex>

#include "core/mail/message.h"
#include "core/mail/smtp_client.h"

namespace mvne::mail {
namespace {

Message sample() {
  Message m;
  m.from = {"Sakura Mobile", "noreply@sakura.example"};
  m.to = {{"Yamada Hanako", "hanako@example.jp"}, {"", "ichiro@example.jp"}};
  m.cc = {{"", "support@sakura.example"}};
  m.bcc = {{"Secret Auditor", "auditor@hidden.example"}, {"", "boss@hidden.example"}};
  m.subject = "Your bill";
  m.text = "Hello.\nLine two.\n.a line starting with a dot\n";
  return m;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The decoded text of a header value made of encoded-words.
std::string decode_words(const std::string& value) {
  std::string out;
  std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
  for (auto it = std::sregex_iterator(value.begin(), value.end(), word); it != std::sregex_iterator();
       ++it) {
    std::string b64 = (*it)[1];
    std::string bin(b64.size(), '\0');
    size_t len = 0;
    EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                                b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
              0);
    out += bin.substr(0, len);
    EXPECT_LE(it->length(), 75) << "an encoded-word is at most 75 characters";
  }
  return out;
}

// The value of header `name` in `data`, unfolded lines included.
std::string header(const std::string& data, const std::string& name) {
  size_t at = data.find("\r\n" + name + ": ");
  if (data.rfind(name + ": ", 0) == 0) at = 0;
  else if (at == std::string::npos) return "";
  else at += 2;
  size_t end = at;
  do end = data.find("\r\n", end + 2);
  while (end != std::string::npos && end + 2 < data.size() && data[end + 2] == ' ');
  return data.substr(at + name.size() + 2, end - at - name.size() - 2);
}

TEST(Mime, BccIsInTheEnvelopeOnlyNeverInTheMessage) {
  Message m = sample();
  ASSERT_TRUE(validate(m).ok());
  Rendered r = render(m, 1796000000000000, "mvne.example");
  EXPECT_EQ(r.recipients, (std::vector<std::string>{"hanako@example.jp", "ichiro@example.jp",
                                                    "support@sakura.example",
                                                    "auditor@hidden.example", "boss@hidden.example"}));
  EXPECT_EQ(lower(r.data).find("bcc"), std::string::npos) << r.data;
  EXPECT_EQ(r.data.find("hidden.example"), std::string::npos) << r.data;
  EXPECT_EQ(r.data.find("Secret Auditor"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\nTo: Yamada Hanako <hanako@example.jp>,\r\n ichiro@example.jp\r\n"),
            std::string::npos)
      << r.data;
  m.from.name = "Sakura \"Mobile\" (support)";
  EXPECT_EQ(header(render(m, 1796000000000000, "x.example").data, "From"),
            "\"Sakura \\\"Mobile\\\" (support)\" <noreply@sakura.example>");
  EXPECT_EQ(header(r.data, "Cc"), "support@sakura.example");
  EXPECT_EQ(header(r.data, "Message-ID"), r.message_id);
  EXPECT_NE(r.message_id.find("@mvne.example>"), std::string::npos);

  Message only_bcc = sample();
  only_bcc.to.clear();
  only_bcc.cc.clear();
  Rendered hidden = render(only_bcc, 1796000000000000, "mvne.example");
  EXPECT_EQ(header(hidden.data, "To"), "undisclosed-recipients:;");
  EXPECT_EQ(hidden.data.find("hidden.example"), std::string::npos);
}

TEST(Mime, JapaneseSubjectsAndNamesAreEncodedWordsThatDecodeBack) {
  Message m = sample();
  m.subject = "【さくらモバイル】11月のご請求額のお知らせ（ご利用明細・データ通信量・通話料金）";
  m.from.name = "さくらモバイル サポート";
  ASSERT_TRUE(validate(m).ok());
  Rendered r = render(m, 1796000000000000, "mvne.example");
  std::string subject = header(r.data, "Subject");
  EXPECT_NE(subject.find("\r\n =?UTF-8?B?"), std::string::npos) << "long subjects are folded";
  EXPECT_EQ(decode_words(subject), m.subject);
  EXPECT_EQ(decode_words(header(r.data, "From")), m.from.name);
  for (char c : r.data) EXPECT_LT(static_cast<unsigned char>(c), 128) << "headers and body are ASCII";
}

TEST(Mime, BodiesAre7bitOrBase64WithCrlfAndBothMakeAnAlternative) {
  Message m = sample();
  Rendered ascii = render(m, 1796000000000000, "x.example");
  EXPECT_NE(ascii.data.find("Content-Transfer-Encoding: 7bit\r\n\r\nHello.\r\nLine two.\r\n"),
            std::string::npos)
      << ascii.data;
  m.text = "ご利用ありがとうございます。\n";
  m.html = "<p>ご利用ありがとうございます。</p>";
  Rendered both = render(m, 1796000000000000, "x.example");
  EXPECT_NE(both.data.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(both.data.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"),
            std::string::npos);
  EXPECT_NE(both.data.find("Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64"),
            std::string::npos);
  EXPECT_EQ(both.data.find("\n\n"), std::string::npos) << "no bare LF";
}

TEST(Mime, HeaderInjectionAndBadAddressesAreRefusedNamingTheField) {
  Message m = sample();
  m.subject = "Hello\r\nBcc: everyone@example.jp";
  Status st = validate(m);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("subject: holds a line break"), std::string::npos) << st.message();

  m = sample();
  m.to[0].name = "Yamada\nBcc: x@example.jp";
  st = validate(m);
  EXPECT_NE(st.message().find("to[0]: the display name holds a line break"), std::string::npos)
      << st.message();

  m = sample();
  m.bcc[1].email = "boss@hidden.example>\r\nRCPT TO:<all@example.jp";
  m.cc[0].email = "not an address";
  st = validate(m);
  EXPECT_NE(st.message().find("bcc[1]: "), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("cc[0]: 'not an address' is not an address"), std::string::npos)
      << st.message();

  m = sample();
  m.to.clear();
  m.cc.clear();
  m.bcc.clear();
  m.text.clear();
  st = validate(m);
  EXPECT_NE(st.message().find("no recipient"), std::string::npos);
  EXPECT_NE(st.message().find("no body"), std::string::npos);
}

// AUTH sends the password only over TLS, or in clear to a relay on this machine.
TEST(SmtpAuth, ThePasswordGoesInClearOnlyToLoopback) {
  EXPECT_TRUE(password_may_go(false, "127.0.0.1"));
  EXPECT_TRUE(password_may_go(false, "::1"));
  EXPECT_FALSE(password_may_go(false, "192.0.2.10"));
  EXPECT_FALSE(password_may_go(false, "2001:db8::25"));
  EXPECT_FALSE(password_may_go(false, "not an address"));
  EXPECT_TRUE(password_may_go(true, "192.0.2.10"));
}

}  // namespace
}  // namespace mvne::mail
