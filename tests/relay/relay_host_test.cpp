// Seed case 2 replayed against a real mvne-host on both backends: swaks submits to the
// relay over STARTTLS with AUTH, for three tenants with many recipients each; the aiosmtpd
// sink keeps everything that leaves. Every message is checked: the RCPT set of a delivered
// message is its To + Cc + Bcc; no Bcc address is in anything delivered to anyone except the
// sender's own notice; a cancelled or discarded message never leaves; links act once, on
// POST only; held mail outlives kill -9.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mail_submit.h"
#include "tests/support/postfix_instance.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

constexpr char kPassword[] = "relay password 1";
constexpr char kPlatform[] = "mvne@platform.test";

class RelayHostTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    services_ = platform::Services::on(db_.db(), config::NumberingConfig{});
    cert_ = test_certificate(dir_);
    relay_port_ = free_port();
  }

  // A tenant with `mailboxes` relay mailboxes (m0@<code>.example, ...) and its policy.
  void add_tenant(const std::string& code, int mailboxes, int64_t hold_s, const std::string& on_expiry) {
    auto& dir = *services_->directory;
    ASSERT_TRUE(dir.add_tenant({0, code, code, "Asia/Tokyo", "/tmp", {}}).ok());
    int64_t id = dir.tenant(code)->id;
    auto hash = services_->consumers->passwords().hash(kPassword);
    ASSERT_TRUE(hash.ok());
    for (int i = 0; i < mailboxes; ++i)
      ASSERT_TRUE(services_->relay->mailboxes()
                      .add("m" + std::to_string(i) + "@" + code + ".example", id, *hash, now_us())
                      .ok());
    ASSERT_TRUE(services_->relay->mailboxes().set_policy(id, {hold_s, on_expiry}).ok());
  }

  // Mail leaves for `mail_port` (the sink, or Postfix's re-injection port); the relay
  // listens as `relay_lines` say (by default: submission with STARTTLS on relay_port_).
  std::string config(uint16_t mail_port, std::string relay_lines = "") {
    if (relay_lines.empty())
      relay_lines = "listen = 127.0.0.1:" + std::to_string(relay_port_) + "\ntls_cert = " +
                    cert_.first + "\ntls_key = " + cert_.second + "\n";
    return dir_.write(
        "mvne.conf", "[http]\nlisten = 127.0.0.1:0\n" + storage_section(db_.settings(), dir_) +
                         "[mail]\nrelay = 127.0.0.1:" + std::to_string(mail_port) +
                         "\nstarttls = off\nfrom = " + kPlatform + "\nlease_s = 5\n[relay]\n" +
                         relay_lines + "hostname = relay.test\n[billing]\nauto_close = false\n");
  }

  // Message k of mailbox `mailbox`: 4 To, 2 Cc, 5 Bcc, every address a unique canary.
  Submission message(const std::string& mailbox, int k) {
    Submission s;
    s.mailbox = mailbox;
    s.password = kPassword;
    std::string tag = mailbox.substr(0, mailbox.find('@')) + "." +
                      mailbox.substr(mailbox.find('@') + 1, 2) + std::to_string(k);
    for (int i = 0; i < 4; ++i) s.to.push_back("to" + std::to_string(i) + "." + tag + "@dest.example");
    for (int i = 0; i < 2; ++i) s.cc.push_back("cc" + std::to_string(i) + "." + tag + "@copy.example");
    for (int i = 0; i < 5; ++i) s.bcc.push_back("bcc" + std::to_string(i) + "." + tag + "@hidden.example");
    s.subject = "Quote " + tag;
    s.message_id = "<" + tag + "@client.test>";
    s.body = "Dear customer,\r\n\r\nthe quote " + tag + " is attached.\r\n";
    return s;
  }

  TestDatabase db_{GetParam()};
  TempDir dir_;
  std::unique_ptr<platform::Services> services_;
  std::pair<std::string, std::string> cert_;
  uint16_t relay_port_ = 0;
};

bool is_notice(const SunkMessage& m) { return m.mail_from == kPlatform; }

std::string message_id_of(const std::string& data) {
  std::smatch match;
  std::string headers = header_section(data);
  return std::regex_search(headers, match, std::regex("Message-ID: (<[^>]*>)")) ? match[1].str() : "";
}

// The link paths in a notice: {"release": "/relay/v1/held/...", "cancel": ...}.
std::map<std::string, std::string> links_in(const std::string& body) {
  std::map<std::string, std::string> out;
  std::regex link("https?://[^/\\s]+(/relay/v1/held/[0-9]+/(release|cancel)\\?expires=[0-9]+&sig=[0-9a-f]+)");
  for (std::sregex_iterator i(body.begin(), body.end(), link), e; i != e; ++i)
    out[(*i)[2].str()] = (*i)[1].str();
  return out;
}

TEST_P(RelayHostTest, CaseTwoReplayNoBccEverReachesAnyoneButItsSender) {
  add_tenant("alpha", 2, 600, "send");   // held long: released or cancelled by link or operator
  add_tenant("beta", 2, 1, "send");      // the hold ends at once: sent
  add_tenant("gamma", 2, 1, "discard");  // the hold ends at once: never sent
  SmtpSink sink;
  const std::string cfg = config(sink.port());
  HostProcess host({"--config", cfg});
  ASSERT_TRUE(host.started()) << host.err();

  std::vector<Submission> sent;
  for (const std::string tenant : {"alpha", "beta", "gamma"})
    for (int box = 0; box < 2; ++box)
      for (int k = 0; k < 2; ++k) {
        Submission s = message("m" + std::to_string(box) + "@" + tenant + ".example", k);
        ExitResult r = swaks_submit(relay_port_, s, dir_);
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err << host.err();
        sent.push_back(s);
      }
  // Every sender is notified once; beta's four go out when their hold ends.
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 12 + 4; }, 60)) << host.err();

  // alpha m0's first message: GET changes nothing, a forged link is refused, POST sends once.
  const Submission& released = sent[0];
  const Submission& cancelled = sent[1];
  std::string release_link, cancel_link;
  for (const auto& m : sink.messages()) {
    if (!is_notice(m)) continue;
    std::string body = decoded_body(m.data);
    if (body.find(released.bcc[0]) != std::string::npos) release_link = links_in(body)["release"];
    if (body.find(cancelled.bcc[0]) != std::string::npos) cancel_link = links_in(body)["cancel"];
  }
  ASSERT_FALSE(release_link.empty());
  ASSERT_FALSE(cancel_link.empty());
  HttpResult page = http_get(host.port(), release_link);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  EXPECT_EQ(page.body.find("@"), std::string::npos) << "the page names no address";
  std::string forged = release_link;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(http_post(host.port(), forged, "").status, 403);
  std::string other_action = std::regex_replace(release_link, std::regex("/release\\?"), "/cancel?");
  EXPECT_EQ(http_post(host.port(), other_action, "").status, 403) << "a link does one thing";
  EXPECT_EQ(http_post(host.port(), release_link, "").status, 200);
  EXPECT_EQ(http_post(host.port(), release_link, "").status, 410) << "single use";
  EXPECT_EQ(http_post(host.port(), cancel_link, "").status, 200);
  EXPECT_EQ(http_post(host.port(), cancel_link, "").status, 410);
  // An operator releases alpha m1's first message.
  auto held = services_->relay->queue().list("held", 0, 100);
  ASSERT_TRUE(held.ok());
  int64_t operator_release = 0;
  for (const auto& h : held.value())
    if (h.message_id == sent[2].message_id) operator_release = h.id;
  ASSERT_NE(operator_release, 0);
  ExitResult ctl = run_ctl({"--config", cfg, "relay", "release", "--id", std::to_string(operator_release)});
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  EXPECT_NE(run_ctl({"--config", cfg, "relay", "release", "--id", std::to_string(operator_release)})
                .exit_code, 0) << "not twice";
  // What an operator sees: To and Cc, and how many Bcc, never who.
  for (const auto& command : {std::vector<std::string>{"relay", "show", "--id", std::to_string(operator_release)},
                              std::vector<std::string>{"--json", "relay", "list"}}) {
    std::vector<std::string> args = {"--config", cfg};
    args.insert(args.end(), command.begin(), command.end());
    ExitResult shown = run_ctl(args);
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_NE(shown.out.find(command[1] == "show" ? sent[2].to[0] : sent[2].subject),
              std::string::npos) << shown.out;
    EXPECT_EQ(shown.out.find("hidden.example"), std::string::npos) << shown.out;
  }

  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 12 + 4 + 2; }, 60)) << host.err();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // anything that should not go, would by now
  const auto all = sink.messages();
  EXPECT_EQ(all.size(), 18u) << "12 notices, beta's 4, two released";

  std::set<std::string> every_bcc;
  for (const auto& s : sent) every_bcc.insert(s.bcc.begin(), s.bcc.end());
  std::set<std::string> delivered_ids;
  int notices = 0;
  for (const auto& m : all) {
    std::string lower = m.data;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (is_notice(m)) {
      ++notices;
      ASSERT_EQ(m.rcpt_tos.size(), 1u) << "a notice goes to its sender alone";
      std::string body = decoded_body(m.data);
      const Submission* own = nullptr;
      for (const auto& s : sent)
        if (body.find(s.subject) != std::string::npos) own = &s;
      ASSERT_NE(own, nullptr) << body;
      EXPECT_EQ(m.rcpt_tos[0], own->mailbox);
      for (const auto& b : own->bcc) EXPECT_NE(body.find(b), std::string::npos) << "own Bcc listed";
      EXPECT_NE(body.find("Bcc"), std::string::npos);
      for (const auto& b : every_bcc) {
        if (std::find(own->bcc.begin(), own->bcc.end(), b) == own->bcc.end()) {
          EXPECT_EQ(m.data.find(b), std::string::npos) << "another message's Bcc " << b;
        }
      }
      EXPECT_EQ(header_section(m.data).find("hidden.example"), std::string::npos);
      continue;
    }
    std::string id = message_id_of(m.data);
    const Submission* source = nullptr;
    for (const auto& s : sent)
      if (s.message_id == id) source = &s;
    ASSERT_NE(source, nullptr) << m.data;
    EXPECT_TRUE(delivered_ids.insert(id).second) << "delivered once: " << id;
    std::set<std::string> expected(source->to.begin(), source->to.end());
    expected.insert(source->cc.begin(), source->cc.end());
    expected.insert(source->bcc.begin(), source->bcc.end());
    EXPECT_EQ(std::set<std::string>(m.rcpt_tos.begin(), m.rcpt_tos.end()), expected)
        << "RCPT = To + Cc + Bcc";
    for (const auto& b : every_bcc) EXPECT_EQ(lower.find(b), std::string::npos) << b << " in " << m.data;
    EXPECT_EQ(lower.find("\r\nbcc:"), std::string::npos);
    EXPECT_EQ(lower.rfind("bcc:", 0), std::string::npos);
  }
  EXPECT_EQ(notices, 12);
  std::set<std::string> expected_ids = {sent[0].message_id, sent[2].message_id};
  for (int i = 4; i < 8; ++i) expected_ids.insert(sent[i].message_id);
  EXPECT_EQ(delivered_ids, expected_ids) << "cancelled, discarded and still-held mail stays";

  std::string metrics = http_get(host.port(), "/metrics").body;
  for (const std::string line :
       {"mvne_relay_messages_total{outcome=\"held\"} 12", "mvne_relay_messages_total{outcome=\"released\"} 2",
        "mvne_relay_messages_total{outcome=\"cancelled\"} 1", "mvne_relay_messages_total{outcome=\"expired\"} 4",
        "mvne_relay_messages_total{outcome=\"discarded\"} 4", "mvne_relay_messages_total{outcome=\"delivered\"} 6",
        "mvne_relay_messages_total{outcome=\"failed\"} 0"})
    EXPECT_NE(metrics.find(line + "\n"), std::string::npos) << line << "\n" << metrics;
  host.signal(SIGTERM);
  EXPECT_EQ(host.wait(30), 0);
}

TEST_P(RelayHostTest, BadPasswordsAndStrangersAreRefused) {
  add_tenant("alpha", 1, 600, "send");
  SmtpSink sink;
  const std::string cfg = config(sink.port());
  // A mailbox made by the operator's command works; a short password is refused.
  const std::string good = dir_.write("good-password", "a long enough password\n");
  const std::string short_one = dir_.write("short-password", "short\n");
  ExitResult added = run_ctl({"--config", cfg, "relay", "mailbox", "add", "--tenant", "alpha",
                              "--address", "Sales@Alpha.example", "--password-file", good});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(run_ctl({"--config", cfg, "relay", "mailbox", "add", "--tenant", "alpha", "--address",
                     "ops@alpha.example", "--password-file", short_one})
                .exit_code, 0);
  EXPECT_NE(run_ctl({"--config", cfg, "relay", "mailbox", "add", "--tenant", "alpha", "--address",
                     "sales@alpha.example", "--password-file", good})
                .exit_code, 0) << "one mailbox, whatever the case";
  HostProcess host({"--config", cfg});
  ASSERT_TRUE(host.started()) << host.err();
  Submission by_command = message("sales@alpha.example", 0);
  by_command.password = "a long enough password";
  EXPECT_EQ(swaks_submit(relay_port_, by_command, dir_).exit_code, 0);
  ASSERT_EQ(services_->relay->queue().list("", 0, 10)->size(), 1u);
  Submission s = message("m0@alpha.example", 0);
  s.password = "wrong password";
  EXPECT_NE(swaks_submit(relay_port_, s, dir_).exit_code, 0);
  s = message("nobody@alpha.example", 0);
  EXPECT_NE(swaks_submit(relay_port_, s, dir_).exit_code, 0) << "no such mailbox";
  EXPECT_EQ(services_->relay->queue().list("", 0, 10)->size(), 1u) << "nothing more held";
}

TEST_P(RelayHostTest, HeldMailAndItsLinksOutliveKillNine) {
  add_tenant("alpha", 1, 600, "send");
  SmtpSink sink;
  const std::string cfg = config(sink.port());
  std::vector<Submission> sent;
  {
    HostProcess host({"--config", cfg});
    ASSERT_TRUE(host.started()) << host.err();
    for (int k = 0; k < 3; ++k) {
      sent.push_back(message("m0@alpha.example", k));
      ASSERT_EQ(swaks_submit(relay_port_, sent.back(), dir_).exit_code, 0) << host.err();
    }
    ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 3; }, 30)) << "notices";
    host.signal(SIGKILL);
    host.wait(30);
  }
  HostProcess host({"--config", cfg});
  ASSERT_TRUE(host.started()) << host.err();
  // The client resends one whose "250" it never saw: the same message is not held twice.
  ASSERT_EQ(swaks_submit(relay_port_, sent[0], dir_).exit_code, 0);
  EXPECT_EQ(services_->relay->queue().list("held", 0, 10)->size(), 3u);
  std::string release;
  for (const auto& m : sink.messages())
    if (decoded_body(m.data).find(sent[1].subject) != std::string::npos)
      release = links_in(decoded_body(m.data))["release"];
  ASSERT_FALSE(release.empty());
  EXPECT_EQ(http_post(host.port(), release, "").status, 200) << "a link from before the restart";
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 4; }, 30));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(sink.messages().size(), 4u) << "three notices, never repeated, and the release";
  EXPECT_EQ(message_id_of(sink.messages().back().data), sent[1].message_id);
}

// kill -9 at random moments while mail is submitted, held, released and delivered; the client
// resends what it never saw accepted (as an MTA does). Every message is held exactly once and
// delivered; a repeat is at most the one message in flight at each kill (docs/mail.md).
TEST_P(RelayHostTest, KillNineAtRandomMomentsLosesNothingAndHoldsNothingTwice) {
  add_tenant("beta", 1, 1, "send");
  SmtpSink sink;
  const std::string cfg = config(sink.port());
  std::vector<Submission> pending;
  for (int k = 0; k < 16; ++k) pending.push_back(message("m0@beta.example", k));
  const std::vector<Submission> all = pending;
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  constexpr int kKills = 3;
  auto submit = [&](std::vector<Submission> batch) {
    std::vector<Submission> unsent;
    for (const auto& s : batch)
      if (swaks_submit(relay_port_, s, dir_).exit_code != 0) unsent.push_back(s);
    return unsent;
  };
  for (int round = 0; round < kKills; ++round) {
    HostProcess host({"--config", cfg});
    ASSERT_TRUE(host.started()) << host.err();
    std::vector<Submission> unsent;
    std::thread client([&] { unsent = submit(pending); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 2500));
    host.signal(SIGKILL);
    client.join();
    host.wait(30);
    pending = unsent;
  }
  // The last host is not killed: it takes what is left and runs until everything is delivered.
  HostProcess host({"--config", cfg});
  ASSERT_TRUE(host.started()) << host.err();
  pending = submit(pending);
  auto delivered = [&] {
    std::set<std::string> ids;
    for (const auto& m : sink.messages())
      if (!is_notice(m)) ids.insert(message_id_of(m.data));
    return ids.size();
  };
  auto notified = [&] {
    auto sunk = sink.messages();
    return static_cast<size_t>(std::count_if(sunk.begin(), sunk.end(), is_notice));
  };
  // A notice and its message leave on their own schedules (one may wait out a dead host's
  // lease while the other is already out): wait for both.
  EXPECT_TRUE(eventually([&] { return delivered() == all.size() && notified() >= all.size(); }, 90))
      << "seed " << seed << ": " << delivered() << " of " << all.size() << ", " << notified()
      << " notices\n"
      << run_ctl({"--config", cfg, "relay", "list"}).out
      << run_ctl({"--config", cfg, "mail", "list"}).out << host.err();
  host.signal(SIGTERM);
  host.wait(30);
  ASSERT_TRUE(pending.empty()) << "the client got every message accepted in the end";
  auto held = services_->relay->queue().list("", 0, 100);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->size(), all.size()) << "seed " << seed << ": each held once";
  std::map<std::string, int> times;
  size_t notices = 0;
  for (const auto& m : sink.messages()) {
    if (is_notice(m))
      ++notices;
    else
      ++times[message_id_of(m.data)];
  }
  int repeats = 0;
  for (const auto& [id, n] : times) repeats += n - 1;
  EXPECT_LE(repeats, kKills) << "seed " << seed << ": at most the message in flight at a kill";
  EXPECT_GE(notices, all.size()) << "seed " << seed << ": every sender notified";
  EXPECT_LE(notices, all.size() + kKills) << "seed " << seed << ": each notice queued once";
}

// Deployed as operators deploy content filters: a real Postfix takes the mail, hands it to
// the relay's filter listener, and gets it back on its re-injection port after the hold.
TEST_P(RelayHostTest, BehindPostfixAsAnAfterQueueContentFilter) {
  add_tenant("alpha", 1, 600, "send");
  SmtpSink sink;
  const uint16_t filter_port = free_port(), reinject_port = free_port(), postfix_port = free_port();
  PostfixInstance postfix(postfix_port, "127.0.0.1:" + std::to_string(sink.port()),
                          {"127.0.0.1:" + std::to_string(filter_port), reinject_port});
  HostProcess host({"--config", config(reinject_port, "filter_listen = 127.0.0.1:" +
                                                          std::to_string(filter_port) + "\n")});
  ASSERT_TRUE(host.started()) << host.err();
  Submission held = message("m0@alpha.example", 0);
  Submission stranger = message("stranger@elsewhere.example", 0);  // no mailbox: not held
  ASSERT_EQ(swaks_send(postfix_port, held, dir_).exit_code, 0);
  ASSERT_EQ(swaks_send(postfix_port, stranger, dir_).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 2; }, 60))
      << host.err() << postfix.log();
  std::string release;
  for (const auto& m : sink.messages()) {
    if (!is_notice(m)) continue;
    EXPECT_EQ(m.rcpt_tos, std::vector<std::string>{"m0@alpha.example"});
    std::string body = decoded_body(m.data);
    for (const auto& b : held.bcc) EXPECT_NE(body.find(b), std::string::npos) << "own Bcc listed";
    release = links_in(body)["release"];
  }
  ASSERT_FALSE(release.empty()) << "the sender was notified through Postfix";
  EXPECT_EQ(http_post(host.port(), release, "").status, 200);
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 3; }, 60)) << postfix.log();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto all = sink.messages();
  ASSERT_EQ(all.size(), 3u) << "the notice, the stranger's message, the released one";
  for (const auto& m : all) {
    if (is_notice(m)) continue;
    const Submission& source = message_id_of(m.data) == held.message_id ? held : stranger;
    EXPECT_EQ(message_id_of(m.data), source.message_id);
    std::set<std::string> expected(source.to.begin(), source.to.end());
    expected.insert(source.cc.begin(), source.cc.end());
    expected.insert(source.bcc.begin(), source.bcc.end());
    EXPECT_EQ(std::set<std::string>(m.rcpt_tos.begin(), m.rcpt_tos.end()), expected);
    for (const auto& b : source.bcc) EXPECT_EQ(m.data.find(b), std::string::npos) << b;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RelayHostTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
