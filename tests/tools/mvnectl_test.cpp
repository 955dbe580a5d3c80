// mvnectl as an operator runs it, on both backends: exit codes, --json, --help everywhere,
// all-or-nothing imports, quarantine release and audit verification.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/time.h"
#include "core/records/record_store.h"
#include "tests/support/host_process.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class MvnectlTest : public ::testing::TestWithParam<std::string> {
 protected:
  // mvnectl pointed at this test's database.
  ExitResult ctl(std::vector<std::string> args) {
    const auto& s = test_db_.settings();
    std::vector<std::string> all = {"--config", MVNE_SOURCE_DIR "/config/mvne.conf", "--set",
                                    "storage.backend=" + s.backend};
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
      std::string name = usage.out.substr(at + 3 + std::strlen(group));
      name = name.substr(0, name.find(' '));
      auto help = ctl({group, name, "--help"});
      EXPECT_EQ(help.exit_code, 0) << group << " " << name;
      EXPECT_NE(help.out.find("Options of"), std::string::npos) << group << " " << name;
      ++commands;
    }
  }
  EXPECT_GE(commands, 18u);
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
