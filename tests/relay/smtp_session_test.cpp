// One relay SMTP conversation without sockets: AUTH only after STARTTLS and only as the
// mailbox that sends, limits, pipelining, smuggling and STARTTLS command injection.
#include "core/relay/smtp_server_session.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace mvne::relay {
namespace {

struct FakeHooks : SessionHooks {
  bool authenticate(const std::string& user, const std::string& password,
                    const std::string&) override {
    ++auth_calls;
    return (any_user || user == "sales@corp.example") && password == "correct horse";
  }
  StatusOr<std::string> accept(const Envelope& e, std::string data) override {
    accepted.push_back({e, std::move(data)});
    if (!fail_with.ok()) return fail_with;
    return "H" + std::to_string(accepted.size());
  }
  int auth_calls = 0;
  bool any_user = false;  // a credential store that would take any name (defence in depth)
  std::vector<std::pair<Envelope, std::string>> accepted;
  Status fail_with = Status::Ok();
};

std::string b64(const std::string& s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

// An AUTH PLAIN response: no authzid, the user, the password.
std::string plain(const std::string& user, const std::string& password) {
  return b64(std::string(1, '\0') + user + std::string(1, '\0') + password);
}

class SessionTest : public ::testing::Test {
 protected:
  std::string say(const std::string& bytes) {
    std::string out;
    session.feed(bytes, out);
    return out;
  }
  // EHLO, STARTTLS (the handshake is the listener's), EHLO again and AUTH PLAIN.
  void log_in() {
    say("EHLO client.example\r\n");
    ASSERT_EQ(say("STARTTLS\r\n"), "220 2.0.0 Ready to start TLS\r\n");
    ASSERT_TRUE(session.wants_tls());
    session.tls_started();
    ASSERT_NE(say("EHLO client.example\r\n").find("AUTH PLAIN LOGIN"), std::string::npos);
    ASSERT_EQ(say("AUTH PLAIN " + plain("sales@corp.example", "correct horse") + "\r\n"),
              "235 2.7.0 Authentication successful\r\n");
  }
  FakeHooks hooks;
  SessionLimits limits{};
  SmtpServerSession session{
      SessionMode::kSubmission, limits, &hooks, "relay.test", "127.0.0.1", true};
};

TEST_F(SessionTest, AuthIsRefusedBeforeTls) {
  std::string ehlo = say("EHLO client.example\r\n");
  EXPECT_NE(ehlo.find("250-STARTTLS"), std::string::npos);
  EXPECT_EQ(ehlo.find("AUTH"), std::string::npos) << "AUTH is not offered in clear";
  EXPECT_EQ(say("AUTH PLAIN " + plain("sales@corp.example", "correct horse") + "\r\n"),
            "538 5.7.11 Encryption required: STARTTLS first\r\n");
  EXPECT_EQ(hooks.auth_calls, 0) << "the password was never even checked";
  EXPECT_EQ(say("MAIL FROM:<sales@corp.example>\r\n"), "530 5.7.0 Authentication required\r\n");
}

TEST_F(SessionTest, AMessageGoesThroughWithItsEnvelope) {
  log_in();
  std::string out =
      say("MAIL FROM:<Sales@corp.example> SIZE=200\r\nRCPT TO:<a@x.example>\r\n"
          "RCPT TO:<b@y.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");  // pipelined
  EXPECT_EQ(out,
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(say("From: sales@corp.example\r\nSubject: hi\r\n\r\nbody\r\n.\r\n"),
            "250 2.0.0 Ok: queued as H1\r\n");
  ASSERT_EQ(hooks.accepted.size(), 1u);
  const Envelope& e = hooks.accepted[0].first;
  EXPECT_EQ(e.mailbox, "sales@corp.example");
  EXPECT_EQ(e.from, "sales@corp.example");
  EXPECT_EQ(e.recipients, (std::vector<std::string>{"a@x.example", "b@y.example"}));
  EXPECT_TRUE(e.tls);
  EXPECT_EQ(hooks.accepted[0].second, "From: sales@corp.example\r\nSubject: hi\r\n\r\nbody\r\n");
}

TEST_F(SessionTest, OnlyTheAuthenticatedMailboxMaySend) {
  log_in();
  EXPECT_EQ(say("MAIL FROM:<ceo@corp.example>\r\n"),
            "553 5.7.1 The sender must be the authenticated mailbox sales@corp.example\r\n");
  EXPECT_EQ(say("MAIL FROM:<>\r\n").substr(0, 3), "553");
}

TEST_F(SessionTest, WrongPasswordsEndTheConnection) {
  say("EHLO client.example\r\nSTARTTLS\r\n");
  session.tls_started();
  say("EHLO client.example\r\n");
  const std::string wrong = "AUTH PLAIN " + plain("sales@corp.example", "guess") + "\r\n";
  EXPECT_EQ(say(wrong), "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(say(wrong), "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(say(wrong), "421 4.7.0 Too many failed authentications; closing\r\n");
  EXPECT_TRUE(session.closed());
}

TEST_F(SessionTest, AuthLoginWorksToo) {
  say("EHLO client.example\r\nSTARTTLS\r\n");
  session.tls_started();
  say("EHLO client.example\r\n");
  EXPECT_EQ(say("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(say(b64("sales@corp.example") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(say(b64("correct horse") + "\r\n"), "235 2.7.0 Authentication successful\r\n");
}

// A user name that is no mailbox (a CR, a line break, a space) is refused like wrong
// credentials before any lookup, so it never reaches a reply: the sender check used to echo
// it, and a name of "x\r\n250 ..." forged a reply line (found by smtp_fuzz).
TEST_F(SessionTest, AUserNameWithControlCharactersIsRefusedUnlookedUp) {
  hooks.any_user = true;
  say("EHLO client.example\r\nSTARTTLS\r\n");
  session.tls_started();
  say("EHLO client.example\r\n");
  // Two tries: a third failure ends the connection (WrongPasswordsEndTheConnection).
  for (const std::string& user : {std::string("\r"), std::string("x\r\n250 2.0.0 forged")}) {
    EXPECT_EQ(say("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(say(b64(user) + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(say(b64("correct horse") + "\r\n"),
              "535 5.7.8 Authentication credentials invalid\r\n");
  }
  EXPECT_EQ(hooks.auth_calls, 0);
}

TEST_F(SessionTest, TextPipelinedAfterStarttlsIsDiscarded) {
  say("EHLO client.example\r\n");
  // An attacker in the middle appends commands to the client's STARTTLS in clear.
  std::string out = say("STARTTLS\r\nRSET\r\nMAIL FROM:<evil@x.example>\r\n");
  EXPECT_EQ(out, "220 2.0.0 Ready to start TLS\r\n") << "nothing after STARTTLS was answered";
  session.tls_started();
  EXPECT_EQ(say("MAIL FROM:<sales@corp.example>\r\n"), "503 5.5.1 EHLO first\r\n")
      << "the session starts over after TLS";
}

TEST_F(SessionTest, SmuggledSecondMessageIsNeverAccepted) {
  log_in();
  say("MAIL FROM:<sales@corp.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");
  std::string out =
      say("From: sales@corp.example\r\n\r\nfirst\r\n\n.\n"
          "MAIL FROM:<sales@corp.example>\r\nRCPT TO:<victim@y.example>\r\nDATA\r\n"
          "From: ceo@corp.example\r\n\r\nsmuggled\r\n.\r\n");
  EXPECT_EQ(out.substr(0, 4), "521 ") << out;
  EXPECT_TRUE(session.closed());
  EXPECT_TRUE(hooks.accepted.empty()) << "neither message was stored";
}

TEST_F(SessionTest, LimitsAreStatedAndKept) {
  limits.max_recipients = 2;
  limits.max_bytes = 64;
  SmtpServerSession small(SessionMode::kSubmission, limits, &hooks, "relay.test", "127.0.0.1",
                          true);
  std::string out;
  small.feed("EHLO c\r\nSTARTTLS\r\n", out);
  small.tls_started();
  out.clear();
  small.feed("EHLO c\r\n", out);
  EXPECT_NE(out.find("250-SIZE 64\r\n"), std::string::npos);
  small.feed("AUTH PLAIN " + plain("sales@corp.example", "correct horse") + "\r\n", out);
  out.clear();
  small.feed("MAIL FROM:<sales@corp.example> SIZE=65\r\n", out);
  EXPECT_EQ(out, "552 5.3.4 Message too big (at most 64 bytes)\r\n");
  out.clear();
  small.feed(
      "MAIL FROM:<sales@corp.example>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\n"
      "RCPT TO:<c@x.example>\r\n",
      out);
  EXPECT_EQ(out,
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
            "452 4.5.3 Too many recipients (at most 2 a message)\r\n");
  out.clear();
  small.feed("DATA\r\n" + std::string(100, 'x') + "\r\n.\r\n", out);
  EXPECT_EQ(out,
            "354 End data with <CR><LF>.<CR><LF>\r\n"
            "552 5.3.4 Message too big (at most 64 bytes)\r\n");
  EXPECT_TRUE(hooks.accepted.empty());
}

TEST_F(SessionTest, StorageTroubleIsATemporaryFailure) {
  log_in();
  hooks.fail_with = Status::Unavailable("database is locked");
  say("MAIL FROM:<sales@corp.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");
  EXPECT_EQ(say("From: s@corp.example\r\n\r\nx\r\n.\r\n"), "451 4.3.0 database is locked\r\n")
      << "the client keeps the message and tries again";
  hooks.fail_with = Status::Invalid("the message has no From header field\r\nInjected: x");
  say("MAIL FROM:<sales@corp.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");
  EXPECT_EQ(say("Subject: x\r\n\r\nx\r\n.\r\n"),
            "554 5.7.1 the message has no From header field  Injected: x\r\n")
      << "refused for good, on one line";
}

TEST_F(SessionTest, TooManyErrorsEndTheSession) {
  std::string out;
  for (int i = 0; i < 10; ++i) out = say("BOGUS\r\n");
  EXPECT_EQ(out, "502 5.5.2 Command not recognised\r\n421 4.7.0 Too many errors; closing\r\n");
  EXPECT_TRUE(session.closed());
}

TEST(FilterSession, NoAuthAnySenderNoTls) {
  FakeHooks hooks;
  SmtpServerSession s(SessionMode::kFilter, {}, &hooks, "relay.test", "127.0.0.1", false);
  std::string out;
  s.feed("EHLO postfix.local\r\n", out);
  EXPECT_EQ(out.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(out.find("AUTH"), std::string::npos);
  out.clear();
  s.feed(
      "MAIL FROM:<anyone@corp.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n"
      "From: anyone@corp.example\r\n\r\nx\r\n.\r\nQUIT\r\n",
      out);
  EXPECT_EQ(out,
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
            "250 2.0.0 Ok: queued as H1\r\n221 2.0.0 Bye\r\n");
  ASSERT_EQ(hooks.accepted.size(), 1u);
  EXPECT_EQ(hooks.accepted[0].first.mailbox, "");
  EXPECT_EQ(hooks.accepted[0].first.from, "anyone@corp.example");
}

}  // namespace
}  // namespace mvne::relay
