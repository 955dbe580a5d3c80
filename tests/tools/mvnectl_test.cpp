// mvnectl as an operator runs it, on both backends: exit codes, --json, --help everywhere,
// all-or-nothing imports, quarantine release and audit verification.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "core/records/record_store.h"
#include "tests/support/host_process.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class MvnectlTest : public ::testing::TestWithParam<std::string> {
 protected:
  // mvnectl pointed at this test's database.
  ExitResult ctl(std::vector<std::string> args) {
    const auto& s = test_db_.settings();
    std::vector<std::string> all = {"--config", MVNE_SOURCE_DIR "/config/mvne.conf",
                                    "--set",    "storage.backend=" + s.backend,
                                    "--set",    "audit.key_file=" + dir_.path() + "/audit.key"};
    if (s.backend == "sqlite") {
      all.insert(all.end(), {"--set", "storage.path=" + s.path});
    } else {
      for (std::string kv : {"storage.host=" + s.host, "storage.port=" + std::to_string(s.port),
                             "storage.database=" + s.database, "storage.user=" + s.user,
                             "storage.password_file=" + dir_.write("pw", s.password + "\n")}) {
        all.insert(all.end(), {"--set", kv});
      }
    }
    all.insert(all.end(), args.begin(), args.end());
    return run_ctl(all);
  }
  void ok(std::vector<std::string> args) {
    auto r = ctl(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void seed() {
    ok({"tenant", "add", "--code", "acme", "--name", "Acme", "--export-dir", "/tmp/acme"});
    ok({"plan", "add", "--tenant", "acme", "--code", "basic"});
    ok({"subscriber", "add", "--tenant", "acme", "--account", "u1", "--service-code", "s", "--plan",
        "basic", "--email", "u1@acme.example"});
  }

  // A kind with an MSISDN and an IMSI, declared as a plugin would.
  records::KindDef cdr_kind(records::RecordStore& store) {
    records::KindDef kind;
    kind.plugin = "voice";
    kind.kind = "cdr";
    kind.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
                   {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
                   {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
                   {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI}};
    EXPECT_TRUE(records::validate(kind).ok());
    EXPECT_TRUE(store.ensure(kind).ok());
    return kind;
  }
  storage::Row cdr(const std::string& id, const char* when, const std::string& msisdn,
                   const std::string& imsi) {
    return {id, parse_time_us(when).value(), msisdn, imsi};
  }

  TempDir dir_;
  TestDatabase test_db_{GetParam()};
};

TEST_P(MvnectlTest, EveryCommandHasHelp) {
  auto usage = ctl({"--help"});
  ASSERT_EQ(usage.exit_code, 0);
  size_t commands = 0;
  for (const char* group :
       {"tenant", "plan", "subscriber", "line", "apikey", "quarantine", "audit"}) {
    for (size_t at = usage.out.find(std::string("  ") + group + " "); at != std::string::npos;
         at = usage.out.find(std::string("  ") + group + " ", at + 1)) {
      // "  GROUP WORDS...  summary": the command's words end at the two spaces before its summary.
      std::string line = usage.out.substr(at + 2, usage.out.find('\n', at) - at - 2);
      std::istringstream words(line.substr(0, line.find("  ")));
      std::vector<std::string> args{std::istream_iterator<std::string>(words), {}};
      std::string name = args.size() > 1 ? args[1] : "";
      args.push_back("--help");
      auto help = ctl(args);
      EXPECT_EQ(help.exit_code, 0) << group << " " << name;
      EXPECT_NE(help.out.find("Options of"), std::string::npos) << group << " " << name;
      ++commands;
    }
  }
  EXPECT_GE(commands, 23u);
}

TEST_P(MvnectlTest, ExitCodesAndJson) {
  seed();
  auto dup = ctl({"tenant", "add", "--code", "acme", "--name", "A", "--export-dir", "/x"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_EQ(dup.err, "mvnectl: tenant 'acme' already exists\n");
  EXPECT_EQ(ctl({"tenant", "add", "--name", "A"}).exit_code, 2);
  EXPECT_EQ(ctl({"tenant", "frobnicate"}).exit_code, 2);
  auto list = ctl({"--json", "subscriber", "list", "--tenant", "acme"});
  ASSERT_EQ(list.exit_code, 0);
  auto json = nlohmann::json::parse(list.out);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["email"], "u1@acme.example");
}

// An operator sets a consumer's password (from a file, never the command line), gives a
// one-time reset token, lists and revokes sessions and unlocks the account; all audited.
TEST_P(MvnectlTest, SubscriberPasswordsAndSessions) {
  seed();
  std::string pw = dir_.write("password", "operator chosen 1\n");
  auto set = ctl({"subscriber", "password", "set", "--tenant", "acme", "--account", "u1",
                  "--password-file", pw});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out.find("operator chosen"), std::string::npos);
  EXPECT_EQ(ctl({"subscriber", "password", "set", "--tenant", "acme", "--account", "nobody",
                 "--password-file", pw})
                .exit_code,
            1);
  EXPECT_EQ(ctl({"subscriber", "password", "set", "--tenant", "acme", "--account", "u1",
                 "--password-file", dir_.write("short", "short\n")})
                .exit_code,
            1);

  config::PortalSettings portal;
  portal.hash_memory_kib = 65536;  // the config's default, which mvnectl used
  auto services = platform::Services::on(test_db_.db(), {}, nullptr, portal);
  auto& consumers = *services->consumers;
  auto login = [&](const std::string& password) {
    return consumers.login({"acme", "u1", password, "192.0.2.9", auth::SessionKind::kApp},
                           now_us());
  };
  auto session = login("operator chosen 1");
  ASSERT_TRUE(session.ok());
  ASSERT_EQ(session->outcome, auth::LoginResult::Outcome::kOk);

  auto listed =
      ctl({"--json", "subscriber", "sessions", "list", "--tenant", "acme", "--account", "u1"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto sessions = nlohmann::json::parse(listed.out);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["state"], "active");
  EXPECT_EQ(sessions[0]["client"], "192.0.2.9");
  EXPECT_EQ(listed.out.find(session->session.token), std::string::npos);
  EXPECT_EQ(
      ctl({"subscriber", "sessions", "revoke", "--tenant", "acme", "--account", "u1"}).exit_code, 1)
      << "neither --session nor --all";
  ASSERT_EQ(ctl({"subscriber", "sessions", "revoke", "--tenant", "acme", "--account", "u1",
                 "--session", std::to_string(sessions[0]["session"].get<int64_t>())})
                .exit_code,
            0);
  EXPECT_FALSE(consumers.sessions().authenticate(session->session.token, now_us()).ok());

  auto reset =
      ctl({"--json", "subscriber", "password", "reset", "--tenant", "acme", "--account", "u1",
           "--deliver", "print"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  std::string token = nlohmann::json::parse(reset.out)["token"];
  EXPECT_TRUE(consumers.finish_reset(token, "chosen by u1 2", now_us()).ok());

  for (int i = 0; i < auth::LoginThrottle::kFreeFailures; ++i) (void)login("wrong");
  EXPECT_EQ(login("chosen by u1 2")->outcome, auth::LoginResult::Outcome::kThrottled);
  ASSERT_EQ(ctl({"subscriber", "unlock", "--tenant", "acme", "--account", "u1"}).exit_code, 0);
  EXPECT_EQ(login("chosen by u1 2")->outcome, auth::LoginResult::Outcome::kOk);

  int audited = 0;
  for (const auto& e : services->audit->entries(0, now_us() + 1000000).value()) {
    audited += e.action.rfind("subscriber_", 0) == 0 && e.action != "subscriber_add";
  }
  EXPECT_EQ(audited, 4) << "password set, sessions revoke, password reset, unlock";
}

// bill run closes an ended month once (a second run changes nothing and says so), refuses
// a month that has not ended, and bill list / show read the bills back.
// A password reset is mailed by default: queued for the subscriber's own address, never shown
// to the operator; the host's mail worker delivers it to the relay, and the code in it works.
// mail list and show let the operator follow it without seeing the body.
TEST_P(MvnectlTest, PasswordResetIsMailedAndItsCodeWorks) {
  seed();
  SmtpSink sink;
  EXPECT_EQ(ctl({"mail", "tenant", "--tenant", "acme", "--contact", "not an address"}).exit_code,
            1);
  auto settings = ctl({"--json", "mail", "tenant", "--tenant", "acme", "--sender-name",
                       "Acme Support", "--reply-to", "help@acme.example"});
  ASSERT_EQ(settings.exit_code, 0) << settings.err;
  EXPECT_EQ(nlohmann::json::parse(settings.out)["reply_to"], "help@acme.example");
  auto reset =
      ctl({"--json", "subscriber", "password", "reset", "--tenant", "acme", "--account", "u1"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  auto out = nlohmann::json::parse(reset.out);
  EXPECT_FALSE(out.contains("token")) << reset.out;
  const int64_t mail_id = out["mail"];

  config::MailConfig relay;
  relay.relay_host = "127.0.0.1";
  relay.relay_port = sink.port();
  relay.starttls = "off";
  auto services = platform::Services::on(test_db_.db(), {}, nullptr, {}, relay);
  EXPECT_EQ(services->mail->deliver_due(), 1);
  auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rcpt_tos, std::vector<std::string>{"u1@acme.example"});
  EXPECT_NE(got[0].data.find("\r\nFrom: Acme Support <mvne@localhost>\r\n"), std::string::npos)
      << got[0].data;
  EXPECT_NE(got[0].data.find("\r\nReply-To: help@acme.example\r\n"), std::string::npos);
  // The Japanese and English text is base64: decode it and take the code.
  const std::string marker = "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string b64 = got[0].data.substr(got[0].data.find(marker) + marker.size());
  std::string text(b64.size(), '\0');
  size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(text.data()), text.size(),
                              b64.data(), b64.size(), "\r\n", &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  text.resize(len);
  size_t at = text.find("mvner_");
  ASSERT_NE(at, std::string::npos) << text;
  std::string token = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(text.find("パスワード"), std::string::npos);
  EXPECT_TRUE(services->consumers->finish_reset(token, "chosen by u1 3", now_us()).ok());

  auto listed = ctl({"--json", "mail", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto mails = nlohmann::json::parse(listed.out);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["id"], mail_id);
  EXPECT_EQ(mails[0]["state"], "sent");
  EXPECT_EQ(mails[0]["purpose"], "password_reset");
  auto shown = ctl({"--json", "mail", "show", "--id", std::to_string(mail_id)});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out.find("mvner_"), std::string::npos) << "headers only, unless --body";
  EXPECT_NE(shown.out.find("Subject: =?UTF-8?B?"), std::string::npos) << shown.out;
  EXPECT_EQ(ctl({"mail", "cancel", "--id", std::to_string(mail_id)}).exit_code, 1)
      << "a sent mail cannot be cancelled";
  EXPECT_EQ(ctl({"subscriber", "password", "reset", "--tenant", "acme", "--account", "u1",
                 "--deliver", "pigeon"})
                .exit_code,
            1);
}

TEST_P(MvnectlTest, BillRunClosesAMonthOnce) {
  const std::string exports = dir_.path() + "/exports/acme";
  ok({"tenant", "add", "--code", "acme", "--name", "Acme", "--export-dir", exports,
      "--time-zone", "Asia/Tokyo"});
  ok({"plan", "add", "--tenant", "acme", "--code", "basic", "--monthly-fee", "980"});
  // Prices by rating class for class-rated records (ABI 1.3); a malformed one is refused.
  ok({"plan", "add", "--tenant", "acme", "--code", "mms", "--rates", "mms=10,video=25"});
  auto bad_rates = ctl({"plan", "add", "--tenant", "acme", "--code", "x", "--rates", "mms=ten"});
  EXPECT_EQ(bad_rates.exit_code, 1);
  EXPECT_NE(bad_rates.err.find("class rate 'mms=ten'"), std::string::npos) << bad_rates.err;
  auto plans = nlohmann::json::parse(ctl({"--json", "plan", "list", "--tenant", "acme"}).out);
  EXPECT_EQ(plans[1]["rates"], "mms=10,video=25") << plans.dump();
  ok({"subscriber", "add", "--tenant", "acme", "--account", "u1", "--service-code", "s", "--plan",
      "basic", "--email", "u1@acme.example"});
  auto first = ctl({"--json", "bill", "run", "--tenant", "acme", "--month", "2026-10"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(nlohmann::json::parse(first.out)["state"], "closed");
  EXPECT_EQ(nlohmann::json::parse(first.out)["total"], 980.0);
  auto again = ctl({"--json", "bill", "run", "--tenant", "acme", "--month", "2026-10"});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(again.out)["state"], "closed before: nothing changed");
  auto future = ctl({"bill", "run", "--tenant", "acme", "--month", "2099-01"});
  EXPECT_EQ(future.exit_code, 1);
  EXPECT_NE(future.err.find("has not ended"), std::string::npos) << future.err;
  auto list = ctl({"--json", "bill", "list", "--tenant", "acme", "--month", "2026-10"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 1u);
  auto show = ctl({"--json", "bill", "show", "--tenant", "acme", "--account", "u1"});
  ASSERT_EQ(show.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(show.out)[0]["lines"][0]["amount"], 980.0);

  // The month's file for the MVNO: its bills as CSV, with a manifest; an open month has none.
  auto open_month = ctl({"bill", "export", "--tenant", "acme", "--month", "2026-11"});
  EXPECT_EQ(open_month.exit_code, 1);
  EXPECT_NE(open_month.err.find("not closed"), std::string::npos) << open_month.err;
  auto exported = ctl({"--json", "bill", "export", "--tenant", "acme", "--month", "2026-10"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string file = exports + "/billing/acme_billing_bills_2026-10.csv";
  EXPECT_EQ(nlohmann::json::parse(exported.out)["file"], file);
  EXPECT_EQ(read_file(file),
            "account,month,kind,label,quantity,amount\nu1,2026-10,plan,basic,1,980.0000\n");
  auto manifest = nlohmann::json::parse(read_file(exports + "/billing/acme_billing_bills_2026-10"
                                                            ".manifest.json"));
  EXPECT_EQ(manifest["tenant"], "acme");
  EXPECT_EQ(manifest["month"], "2026-10");
  EXPECT_EQ(manifest["from"], "2026-09-30T15:00:00Z");
  auto audit = ctl({"--json", "audit", "verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
}

TEST_P(MvnectlTest, ImportIsAllOrNothing) {
  seed();
  std::string header = "tenant,account,plan,msisdn,imsi,iccid,valid_from,valid_to\n";
  auto bad = ctl({"line", "import", "--file",
                  dir_.write("bad.csv", header + "acme,u1,,09012340001,,,2026-01-01,\n"
                                                 "acme,nobody,,09012340002,,,2026-01-01,\n"
                                                 "acme,u1,,09012340003,,,2026-13-01,\n")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.csv:4: valid_from: time '2026-13-01': no such date"),
            std::string::npos)
      << bad.err;
  bad = ctl({"line", "import", "--file",
             dir_.write("bad2.csv", header + "acme,u1,,09012340001,,,2026-01-01,\n"
                                             "acme,nobody,,09012340002,,,2026-01-01,\n")});
  EXPECT_NE(bad.err.find("row 2: unknown account 'nobody'"), std::string::npos) << bad.err;
  EXPECT_EQ(ctl({"line", "history", "--msisdn", "09012340001"}).out, "(none)\n");
  ok({"line", "import", "--file",
      dir_.write("good.csv", header + "acme,u1,,09012340001,,,2026-01-01,\n")});
  EXPECT_NE(ctl({"line", "history", "--msisdn", "09012340001"}).out.find("+819012340001"),
            std::string::npos);
}

TEST_P(MvnectlTest, QuarantineReleaseAfterTheFix) {
  seed();
  records::KindDef kind;
  kind.plugin = "voice";
  kind.kind = "cdr";
  kind.fields = {{"id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
                 {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
                 {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN}};
  ASSERT_TRUE(records::validate(kind).ok());
  records::RecordStore store(test_db_.db(), {});
  ASSERT_TRUE(store.ensure(kind).ok());
  ASSERT_TRUE(store
                  .submit(kind,
                          {{std::string("c1"), parse_time_us("2026-05-01").value(),
                            std::string("09077770000")}},
                          "file.csv")
                  .ok());
  auto list = ctl({"--json", "quarantine", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto items = nlohmann::json::parse(list.out);
  ASSERT_EQ(items.size(), 1u);
  std::string id = std::to_string(items[0]["id"].get<int64_t>());
  EXPECT_NE(items[0]["reason"].get<std::string>().find("has no assignment"), std::string::npos);
  EXPECT_EQ(ctl({"quarantine", "release", "--id", id}).exit_code, 1);
  ok({"line", "assign", "--tenant", "acme", "--account", "u1", "--msisdn", "09077770000", "--from",
      "2026-04-01"});
  ok({"quarantine", "release", "--id", id});
  EXPECT_EQ(ctl({"quarantine", "list"}).out, "(none)\n");
  auto audit = ctl({"--json", "audit", "verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
}

// One `line end --line` retires a whole SIM (MSISDN, IMSI, ICCID) at a past time; the
// records it covered go to quarantine (counted and audited), and the exposure report lists
// them with what the earlier holder was sent while it could read them.
TEST_P(MvnectlTest, BackdatedLineEndIsCountedAndReported) {
  seed();
  ok({"line", "assign", "--tenant", "acme", "--account", "u1", "--msisdn", "09077770000", "--imsi",
      "440100000000077", "--iccid", "8981100000000000002", "--from", "2026-04-01"});
  records::RecordStore store(test_db_.db(), {});
  records::KindDef kind = cdr_kind(store);
  auto counts = store.submit(kind,
                             {cdr("c1", "2026-05-01", "09077770000", "440100000000077"),
                              cdr("c2", "2026-06-02", "09077770000", "440100000000077"),
                              cdr("c3", "2026-06-03", "09077770000", "")},
                             "file.csv");
  ASSERT_TRUE(counts.ok() && counts->stored == 3);
  audit::Entry sent;
  sent.principal = "tenant:acme";
  sent.plugin = "voice";
  sent.action = "http_response";
  sent.record_kind = "cdr";
  sent.row_count = 3;
  ASSERT_TRUE(platform::Services::on(test_db_.db(), {})->audit->append(sent).ok());

  auto end =
      ctl({"--json", "line", "end", "--msisdn", "090-7777-0000", "--line", "--at", "2026-06-01"});
  ASSERT_EQ(end.exit_code, 0) << end.err;
  auto done = nlohmann::json::parse(end.out);
  EXPECT_EQ(done["assignments_ended"], 3);
  EXPECT_EQ(done["records_quarantined"], 2);
  auto history = nlohmann::json::parse(
      ctl({"--json", "line", "history", "--iccid", "8981100000000000002"}).out);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["to"], "2026-06-01T00:00:00Z");

  auto report = ctl({"--json", "audit", "exposure", "--corrections", "--from", "2026-01-01", "--to",
                     "2100-01-01", "--tenant", "acme"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto rows = nlohmann::json::parse(report.out);
  ASSERT_EQ(rows.size(), 1u) << report.out;
  EXPECT_EQ(rows[0]["records"], 2);
  EXPECT_EQ(rows[0]["earlier_holder"], "acme/u1");
  EXPECT_EQ(rows[0]["now"], "quarantine");
  EXPECT_EQ(rows[0]["deliveries_to_earlier_holder"], 1);
  EXPECT_EQ(rows[0]["rows_in_them"], 3);
  auto audit = nlohmann::json::parse(
      ctl({"--json", "audit", "exposure", "--from", "2026-01-01", "--to", "2100-01-01"}).out);
  EXPECT_EQ(audit.size(), 1u) << "operator actions are not deliveries";
}

// `quarantine list --json` carries each record's values (escaped); `quarantine show` reads
// one item by id.
TEST_P(MvnectlTest, QuarantineListCarriesTheRecord) {
  seed();
  records::RecordStore store(test_db_.db(), {});
  records::KindDef kind = cdr_kind(store);
  ASSERT_TRUE(
      store.submit(kind, {cdr("c\x1b[2J", "2026-05-01", "09077770000", "")}, "file.csv").ok());
  auto list = ctl({"--json", "quarantine", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find('\x1b'), std::string::npos) << "escaped in JSON";
  auto items = nlohmann::json::parse(list.out);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["record"][0], "c\x1b[2J");
  auto show =
      ctl({"--json", "quarantine", "show", "--id", std::to_string(items[0]["id"].get<int64_t>())});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["record"][2], "+819077770000");
  auto missing = ctl({"quarantine", "show", "--id", "999"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "mvnectl: no quarantined record #999\n");
}

// Small operator paths: `tenant plugins --plugins` works (--set is the global override); a
// merged account is listed with the account it went into; `audit exposure --tenant` matches
// the code exactly ('_' is no wildcard).
TEST_P(MvnectlTest, PluginsMergedAccountsAndExactTenantCodes) {
  seed();
  ok({"tenant", "plugins", "--code", "acme", "--plugins", "voice_cdr,sms"});
  auto tenants = nlohmann::json::parse(ctl({"--json", "tenant", "list"}).out);
  EXPECT_EQ(tenants[0]["plugins"], "voice_cdr,sms");

  ok({"subscriber", "add", "--tenant", "acme", "--account", "u1b", "--service-code", "s", "--plan",
      "basic", "--email", "u1@acme.example"});
  ok({"subscriber", "merge", "--tenant", "acme", "--from", "u1b", "--into", "u1"});
  auto subscribers =
      nlohmann::json::parse(ctl({"--json", "subscriber", "list", "--tenant", "acme"}).out);
  ASSERT_EQ(subscribers.size(), 2u);
  EXPECT_EQ(subscribers[0]["account"], "u1");
  EXPECT_EQ(subscribers[0]["merged_into"], "");
  EXPECT_EQ(subscribers[1]["account"], "u1b");
  EXPECT_EQ(subscribers[1]["merged_into"], "u1");

  auto services = platform::Services::on(test_db_.db(), {});
  audit::Entry sent;
  sent.principal = "consumer:abc/u1";
  sent.plugin = "voice";
  sent.action = "http_response";
  sent.record_kind = "cdr";
  sent.row_count = 1;
  ASSERT_TRUE(services->audit->append(sent).ok());
  auto other = nlohmann::json::parse(ctl({"--json", "audit", "exposure", "--from", "2026-01-01",
                                          "--to", "2100-01-01", "--tenant", "a_c"})
                                         .out);
  EXPECT_TRUE(other.empty()) << other.dump();
  auto own = nlohmann::json::parse(ctl({"--json", "audit", "exposure", "--from", "2026-01-01",
                                        "--to", "2100-01-01", "--tenant", "abc"})
                                       .out);
  EXPECT_EQ(own.size(), 1u);
}

TEST_P(MvnectlTest, AuditVerifyFailsOnTampering) {
  seed();
  ok({"audit", "verify"});
  auto lease = test_db_.db()->acquire();
  ASSERT_TRUE(
      (*lease)->execute("UPDATE audit_log SET detail = 'nothing happened' WHERE id = 2").ok());
  auto r = ctl({"audit", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("row #2 was changed"), std::string::npos) << r.out;
}

// The operator is recorded from the process's real uid, not from $USER or $SUDO_USER.
TEST_P(MvnectlTest, OperatorIsTheRealUser) {
  const char* user = std::getenv("USER");
  std::string saved = user != nullptr ? user : "";
  ::setenv("USER", "mallory", 1);
  ::setenv("SUDO_USER", "mallory", 1);
  auto r = ctl({"tenant", "add", "--code", "acme", "--name", "Acme", "--export-dir", "/tmp/acme"});
  ::unsetenv("SUDO_USER");
  if (user != nullptr)
    ::setenv("USER", saved.c_str(), 1);
  else
    ::unsetenv("USER");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct passwd* me = ::getpwuid(::getuid());
  ASSERT_NE(me, nullptr);
  auto lease = test_db_.db()->acquire();
  auto rows = (*lease)->query("SELECT principal FROM audit_log WHERE action = 'tenant_add'");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(storage::as_text(rows.value()[0][0]), std::string("operator:") + me->pw_name);
}

// Verification needs the key file: rows rewritten without it fail, and --json names the row.
TEST_P(MvnectlTest, AuditVerifyNamesTheFirstBadRow) {
  seed();
  auto lease = test_db_.db()->acquire();
  ASSERT_TRUE(
      (*lease)->execute("UPDATE audit_log SET principal = 'operator:x' WHERE id >= 2").ok());
  auto r = ctl({"--json", "audit", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["bad_row"], 2);
  EXPECT_EQ(report["intact"], false);
}

// A date is the tenant's local day, as in the tenant API; times come back with the offset
// the operator typed, refusals included; --help says so.
TEST_P(MvnectlTest, DatesAreTheTenantsLocalDaysAndTimesKeepTheirOffset) {
  ok({"tenant", "add", "--code", "kumo", "--name", "Kumo", "--time-zone", "Asia/Tokyo",
      "--export-dir", "/tmp/kumo"});
  ok({"plan", "add", "--tenant", "kumo", "--code", "basic"});
  ok({"subscriber", "add", "--tenant", "kumo", "--account", "k1", "--service-code", "s", "--plan",
      "basic", "--email", "k1@kumo.example"});
  ok({"line", "assign", "--tenant", "kumo", "--account", "k1", "--msisdn", "09011112222", "--from",
      "2026-10-01"});
  auto history = ctl({"--json", "line", "history", "--msisdn", "09011112222"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(nlohmann::json::parse(history.out)[0]["from"], "2026-09-30T15:00:00Z");

  auto refused = ctl({"line", "assign", "--tenant", "kumo", "--account", "k1", "--msisdn",
                      "09011112222", "--from", "2026-10-05T00:00:00+09:00"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("2026-10-01T00:00:00+09:00"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("T15:00:00Z"), std::string::npos) << refused.err;

  auto ended = ctl({"--json", "line", "end", "--msisdn", "09011112222", "--at", "2026-10-10"});
  ASSERT_EQ(ended.exit_code, 0) << ended.err;
  EXPECT_EQ(nlohmann::json::parse(ended.out)["at"], "2026-10-10T00:00:00+09:00");
  // A '+' that became a space (copied from a query string) still reads as '+'.
  ok({"audit", "exposure", "--from", "2026-10-01T00:00:00 09:00", "--to", "2026-10-02"});

  auto help = ctl({"line", "assign", "--help"});
  EXPECT_NE(help.out.find("the start of that day in the tenant's time zone"), std::string::npos)
      << help.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, MvnectlTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
