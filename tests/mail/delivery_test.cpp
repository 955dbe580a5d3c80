// The outbox delivered to a real SMTP server (the tests' aiosmtpd sink), on both backends:
// every recipient reached once and no Bcc address in what they got (seed case 2); a relay
// that is down, busy or refuses; STARTTLS required and not offered; two deliverers claiming
// at once; the egress guard withholding mail addressed to someone else's address.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "core/common/time.h"
#include "core/mail/mail_service.h"
#include "core/platform/services.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

using mail::Message;

Message sample(const std::string& to = "hanako@example.jp") {
  Message m;
  m.from = {"Sakura Mobile", "noreply@sakura.example"};
  m.to = {{"Yamada Hanako", to}};
  m.cc = {{"", "support@sakura.example"}};
  m.bcc = {{"Secret Auditor", "auditor@hidden.example"}};
  m.subject = "ご請求額のお知らせ";
  m.text = "Your bill is ready.\n.\nA line that is only a dot, above.\n";
  return m;
}

const mail::OutboxOrigin kOrigin{"sakura", "host", "tenant:sakura", "test"};

class MailDeliveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<platform::Services> services(uint16_t port, const std::string& starttls = "off",
                                               int lease_s = 600) {
    config::MailConfig mc;
    mc.lease_s = lease_s;
    mc.relay_host = "127.0.0.1";
    mc.relay_port = port;
    mc.starttls = starttls;
    mc.timeout_ms = 5000;
    return platform::Services::on(db_.db(), {}, nullptr, {}, mc);
  }
  mail::OutboxEntry entry(platform::Services& s, int64_t id) {
    auto e = s.mail->outbox().get(id);
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? e.value() : mail::OutboxEntry{};
  }

  TestDatabase db_{GetParam()};
};

TEST_P(MailDeliveryTest, EveryRecipientGetsItOnceAndNoBccShows) {
  SmtpSink sink;
  auto s = services(sink.port());
  auto id = s->mail->submit(sample(), kOrigin, {});
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(s->mail->deliver_due(), 1);
  EXPECT_EQ(s->mail->deliver_due(), 0) << "delivered once";
  auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "noreply@sakura.example");
  EXPECT_EQ(got[0].rcpt_tos,
            (std::vector<std::string>{"hanako@example.jp", "support@sakura.example",
                                      "auditor@hidden.example"}));
  EXPECT_EQ(got[0].data.find("hidden.example"), std::string::npos) << got[0].data;
  EXPECT_EQ(got[0].data.find("Secret Auditor"), std::string::npos);
  EXPECT_NE(got[0].data.find("\r\n.\r\nA line that is only a dot"), std::string::npos)
      << "dot-stuffed on the wire, unstuffed by the server";
  auto e = entry(*s, id.value());
  EXPECT_EQ(e.state, "sent");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_NE(e.last_reply.find("250"), std::string::npos) << e.last_reply;
  EXPECT_NE(got[0].data.find("Message-ID: " + e.message_id), std::string::npos);
}

TEST_P(MailDeliveryTest, ARelayThatIsDownKeepsItQueuedUntilItIsBack) {
  uint16_t dead_port;
  {
    SmtpSink gone;
    dead_port = gone.port();
  }
  auto down = services(dead_port);
  auto id = down->mail->submit(sample(), kOrigin, {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(down->mail->deliver_due(), 0);
  auto e = entry(*down, id.value());
  EXPECT_EQ(e.state, "queued");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_GT(e.next_attempt_at, now_us()) << "retried after a back-off";
  EXPECT_NE(e.last_reply.find("127.0.0.1:" + std::to_string(dead_port)), std::string::npos)
      << e.last_reply;
  EXPECT_EQ(down->mail->deliver_due(), 0) << "not before its time";

  SmtpSink sink;
  auto up = services(sink.port());
  ASSERT_TRUE(up->mail->outbox().retry_now(id.value(), now_us()).ok());
  EXPECT_EQ(up->mail->deliver_due(), 1);
  EXPECT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(entry(*up, id.value()).attempts, 2);
}

TEST_P(MailDeliveryTest, RefusedForGoodFailsBusyWaitsWithTheRelaysReply) {
  SmtpSink sink;
  auto s = services(sink.port());
  auto refused = s->mail->submit(sample("reject-me@example.jp"), kOrigin, {});
  auto busy = s->mail->submit(sample("busy-now@example.jp"), kOrigin, {});
  auto fine = s->mail->submit(sample(), kOrigin, {});
  ASSERT_TRUE(refused.ok() && busy.ok() && fine.ok());
  EXPECT_EQ(s->mail->deliver_due(), 1) << "one connection, three messages, one accepted";
  auto r = entry(*s, refused.value());
  EXPECT_EQ(r.state, "failed");
  EXPECT_NE(r.last_reply.find("550"), std::string::npos) << r.last_reply;
  auto b = entry(*s, busy.value());
  EXPECT_EQ(b.state, "queued");
  EXPECT_NE(b.last_reply.find("451"), std::string::npos) << b.last_reply;
  EXPECT_EQ(entry(*s, fine.value()).state, "sent");
  EXPECT_EQ(sink.messages().size(), 1u);
  // An operator may retry the failed one, cancel the waiting one; a sent one is neither.
  EXPECT_TRUE(s->mail->outbox().cancel(busy.value(), now_us()).ok());
  EXPECT_EQ(entry(*s, busy.value()).state, "cancelled");
  EXPECT_EQ(s->mail->outbox().cancel(fine.value(), now_us()).code(), Code::kFailedPrecondition);
  EXPECT_TRUE(s->mail->outbox().retry_now(refused.value(), now_us()).ok());
  EXPECT_EQ(entry(*s, refused.value()).state, "queued");
}

TEST_P(MailDeliveryTest, StartTlsRequiredAndNotOfferedSendsNothing) {
  SmtpSink sink;  // offers no STARTTLS
  auto s = services(sink.port(), "required");
  auto id = s->mail->submit(sample(), kOrigin, {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(s->mail->deliver_due(), 0);
  EXPECT_TRUE(sink.messages().empty());
  auto e = entry(*s, id.value());
  EXPECT_EQ(e.state, "queued");
  EXPECT_NE(e.last_reply.find("does not offer STARTTLS"), std::string::npos) << e.last_reply;
}

TEST_P(MailDeliveryTest, TwoDeliverersNeverSendOneMessageTwice) {
  SmtpSink sink;
  auto a = services(sink.port());
  auto b = services(sink.port());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(a->mail->submit(sample(), kOrigin, {}).ok());
  int sent_a = 0, sent_b = 0;
  std::thread ta([&] {
    for (int i = 0; i < 10; ++i) sent_a += a->mail->deliver_due();
  });
  std::thread tb([&] {
    for (int i = 0; i < 10; ++i) sent_b += b->mail->deliver_due();
  });
  ta.join();
  tb.join();
  EXPECT_EQ(sent_a + sent_b, 40);
  auto got = sink.messages();
  EXPECT_EQ(got.size(), 40u);
  std::set<std::string> ids;
  for (const auto& m : got) {
    size_t at = m.data.find("Message-ID: ");
    ids.insert(m.data.substr(at, m.data.find("\r\n", at) - at));
  }
  EXPECT_EQ(ids.size(), 40u) << "each message once";
}

// Two hosts queue the same notice (one dedup key) at the same moment: both are told it is
// queued, with the one id, and it is in the outbox once.
TEST_P(MailDeliveryTest, TwoHostsQueueingOneNoticeAtOnceBothGetTheOneMessage) {
  auto a = services(1);
  auto b = services(1);
  constexpr int kNotices = 60;
  std::vector<StatusOr<int64_t>> from_a(kNotices, Status::Internal("not run")),
      from_b(kNotices, Status::Internal("not run"));
  std::atomic<int> ready{0};
  auto queue = [&](platform::Services& s, std::vector<StatusOr<int64_t>>& out) {
    for (int i = 0; i < kNotices; ++i) {
      mail::OutboxOrigin o = kOrigin;
      o.dedup_key = "race:" + std::to_string(i);
      // Both threads reach each notice together.
      ready.fetch_add(1);
      while (ready.load() < 2 * (i + 1)) std::this_thread::yield();
      out[i] = s.mail->submit(sample(), o, {});
    }
  };
  std::thread ta([&] { queue(*a, from_a); });
  std::thread tb([&] { queue(*b, from_b); });
  ta.join();
  tb.join();
  for (int i = 0; i < kNotices; ++i) {
    ASSERT_TRUE(from_a[i].ok()) << i << ": " << from_a[i].status().message();
    ASSERT_TRUE(from_b[i].ok()) << i << ": " << from_b[i].status().message();
    EXPECT_EQ(from_a[i].value(), from_b[i].value()) << i;
  }
  auto rows = db_.db()->query("SELECT COUNT(*) FROM mail_outbox WHERE dedup_key LIKE 'race:%'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(storage::as_int(rows.value()[0][0]), kNotices);
}

// A relay slower than the batch's lease: the deliverer keeps renewing its claim, so another
// host looking for due mail meanwhile finds none, and each message is sent once.
TEST_P(MailDeliveryTest, ASlowBatchOutlastingItsLeaseIsNotSentTwice) {
  SmtpSink slow(700);
  auto a = services(slow.port(), "off", 1);
  auto b = services(slow.port(), "off", 1);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(a->mail->submit(sample(), kOrigin, {}).ok());
  std::atomic<bool> a_done{false};
  int sent_a = 0, sent_b = 0;
  std::thread ta([&] {
    sent_a = a->mail->deliver_due();  // 4 x 0.7 s against a 1 s lease
    a_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  while (!a_done) sent_b += b->mail->deliver_due();
  ta.join();
  EXPECT_EQ(sent_a + sent_b, 4);
  auto got = slow.messages();
  std::set<std::string> ids;
  for (const auto& m : got) {
    size_t at = m.data.find("Message-ID: ");
    ids.insert(m.data.substr(at, m.data.find("\r\n", at) - at));
  }
  EXPECT_EQ(got.size(), 4u);
  EXPECT_EQ(ids.size(), 4u) << "each message once";
}

// A deliverer that dies after claiming (kill -9: nothing marked) holds the messages only for
// its lease; then another takes them up and each is sent once.
TEST_P(MailDeliveryTest, ClaimsOfADeadDelivererAreTakenUpAfterTheLease) {
  SmtpSink sink;
  auto dead = services(sink.port());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(dead->mail->submit(sample(), kOrigin, {}).ok());
  auto claimed = dead->mail->outbox().claim_due(10, now_us(), 200000);  // a 0.2 s lease
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 3u);
  dead.reset();  // gone without a word

  auto alive = services(sink.port());
  EXPECT_EQ(alive->mail->deliver_due(), 0) << "still leased";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(alive->mail->deliver_due(), 3);
  EXPECT_EQ(alive->mail->deliver_due(), 0);
  EXPECT_EQ(sink.messages().size(), 3u);
  for (const auto& e : alive->mail->outbox().list("", 10).value()) {
    EXPECT_EQ(e.state, "sent");
    EXPECT_EQ(e.attempts, 2) << "the dead deliverer's claim counts as an attempt";
  }
}

TEST_P(MailDeliveryTest, MailToSomeoneElsesAddressIsWithheld) {
  SmtpSink sink;
  auto s = services(sink.port());
  auto& dir = *s->directory;
  ASSERT_TRUE(dir.add_tenant({0, "acme", "Acme", "Asia/Tokyo", "/tmp/acme", {}}).ok());
  tenancy::Plan plan;
  plan.tenant_code = "acme";
  plan.code = "basic";
  ASSERT_TRUE(dir.add_plan(plan).ok());
  ASSERT_TRUE(dir.add_subscriber({0, "acme", "A-1", "S1", "basic", "a1@acme.example"}).ok());
  ASSERT_TRUE(dir.add_subscriber({0, "acme", "A-2", "S2", "basic", "a2@acme.example"}).ok());
  auto a1 = s->consumers->find("acme", "A-1");
  ASSERT_TRUE(a1.ok());
  auth::Principal owner;
  owner.kind = auth::Principal::Kind::kConsumer;
  owner.tenant_id = a1->tenant_id;
  owner.tenant_code = "acme";
  owner.subscriber_id = a1->subscriber_id;
  owner.account_id = "A-1";

  Message to_self = sample("a1@acme.example");
  to_self.cc.clear();
  to_self.bcc.clear();
  EXPECT_TRUE(s->mail->submit(to_self, kOrigin, owner).ok());
  Message to_other = to_self;
  to_other.bcc = {{"", "a2@acme.example"}};
  auto refused = s->mail->submit(to_other, kOrigin, owner);
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition) << refused.status().message();
  Message naming_other = to_self;
  naming_other.text = "Your line's other holder is a2@acme.example";
  EXPECT_EQ(s->mail->submit(naming_other, kOrigin, owner).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(s->mail->outbox().list("", 10)->size(), 1u) << "only the mail to A-1 itself";
}

INSTANTIATE_TEST_SUITE_P(Backends, MailDeliveryTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
