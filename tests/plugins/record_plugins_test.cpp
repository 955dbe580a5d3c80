// voice_cdr and sms in the host, on SQLite and MariaDB: eight MVNOs' switch and SMSC files
// in, each MVNO's API responses and export files checked against the scenario's own
// expectation (seed cases 1 and 3), the mistaken assignment's records in quarantine, the
// counts adding up, and the guards: per-tenant and global disablement, the egress guard on
// exports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/ingest/spooler.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class RecordPluginsTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> overrides(const std::string& plugins_dir = MVNE_PLUGIN_DIR) {
    return {"plugins.dir=" + plugins_dir, "plugin.voice_cdr.spool_dir=" + dir_.path() + "/voice",
            "plugin.sms.spool_dir=" + dir_.path() + "/sms"};
  }
  // The scenario with export directories under this test's temp dir.
  CdrScenario scenario() {
    CdrScenario s = make_cdr_scenario();
    for (auto& t : s.tenants) t.export_dir = dir_.path() + "/" + t.export_dir;
    return s;
  }
  void spool(const std::string& plugin_dir, const SpoolFile& file) {
    dir_.write(plugin_dir + "/" + file.name + ".part", file.content);
    fs::rename(dir_.path() + "/" + plugin_dir + "/" + file.name + ".part",
               dir_.path() + "/" + plugin_dir + "/" + file.name);
  }
  std::map<std::string, std::string> keys(InProcessHost& host, const CdrScenario& s) {
    std::map<std::string, std::string> out;
    for (const auto& t : s.tenants)
      out[t.code] = host.services().keys->create(t.code, "t", now_us() + 86400000000LL)->token;
    return out;
  }
  StatusOr<exports::Outcome> run_export(InProcessHost& host, const std::string& plugin,
                                        const std::string& tenant, const std::string& date) {
    for (const auto& p : host.plugins().running()) {
      if (p->name() != plugin) continue;
      auto t = host.services().directory->tenant(tenant);
      if (!t.ok()) return t.status();
      return exports::run(*p, p->registrations().exports.at(0), t.value(), date);
    }
    return Status::NotFound("plugin " + plugin + " is not running");
  }

  // A host with voice_cdr and sms (cheap password hashes), the scenario's directory applied
  // and its four files ingested, two at once as on MariaDB.
  std::unique_ptr<InProcessHost> ingested(const CdrScenario& s) {
    auto settings = overrides();
    settings.insert(settings.end(), {"portal.hash_memory_kib=256", "portal.hash_passes=1"});
    auto host =
        std::make_unique<InProcessHost>(fixture_settings({"voice_cdr", "sms"}, settings), db_.db());
    EXPECT_TRUE(host->apply_status().ok()) << host->apply_status().message();
    apply_directory(s, *host->services().directory);
    for (const auto& f : s.voice_files) spool("voice", f);
    for (const auto& f : s.sms_files) spool("sms", f);
    ingest::Spooler spooler(&host->plugins(), 2);
    EXPECT_EQ(spooler.poll(), 4);
    return host;
  }
  // Every subscriber of the scenario given a password and logged in through HTTP as a
  // consumer: its bearer token by "tenant/account".
  std::map<std::string, std::string> consumer_tokens(InProcessHost& host, const CdrScenario& s) {
    auto& consumers = *host.services().consumers;
    std::map<std::string, std::string> tokens;
    for (const auto& sub : s.subscribers) {
      auto account = consumers.find(sub.tenant_code, sub.account_id);
      EXPECT_TRUE(account.ok()) << account.status().message();
      if (!account.ok()) continue;
      std::string password = "password of " + sub.account_id;
      EXPECT_TRUE(consumers.set_password(*account, password, now_us()).ok());
      json login = {
          {"tenant", sub.tenant_code}, {"account", sub.account_id}, {"password", password}};
      auto r = http_post(host.port(), "/portal/api/v1/login", login.dump());
      EXPECT_EQ(r.status, 200) << r.body;
      tokens[sub.tenant_code + "/" + sub.account_id] = json::parse(r.body).value("token", "");
    }
    return tokens;
  }

  TestDatabase db_{GetParam()};
  TempDir dir_;
};

// Seed cases 4 and 5 through real HTTP: every subscriber of the eight MVNOs logs in as a
// consumer and lists its calls and messages: exactly those made on its lines while it held
// them, never a previous or next holder's (charlie's number moves between two subscribers,
// alpha's and echo's between tenants), never the mistaken assignment's.
TEST_P(RecordPluginsTest, EachConsumerSeesOnlyItsOwnHolding) {
  CdrScenario s = scenario();
  auto host = ingested(s);
  auto tokens = consumer_tokens(*host, s);
  check_consumer_views(
      s, [&](const std::string& tenant, const std::string& account, const std::string& target) {
        auto r = http_get(host->port(), target,
                          {{"Authorization", "Bearer " + tokens[tenant + "/" + account]}});
        return std::pair{r.status, r.body};
      });
}

// Each tenant's months closed into bills: every subscriber's bill charges exactly the rated
// calls and messages of its own holding (the scenario's own rating), its consumer reads only
// its own bills, and each MVNO reads only its own subscribers' bills (JSON and CSV).
TEST_P(RecordPluginsTest, BillsChargeEachHolderItsOwnRecords) {
  CdrScenario s = scenario();
  auto host_ptr = ingested(s);
  InProcessHost& host = *host_ptr;

  // Expected charges by (tenant, account), and each tenant's months, from the scenario.
  std::map<std::string, double> expected;
  std::map<std::string, std::set<std::string>> months;
  for (const auto* records : {&s.voice, &s.sms}) {
    for (const auto& r : *records) {
      if (r.tenant.empty()) continue;
      expected[r.tenant + "/" + s.holder_of(r)] += r.charge;
      months[r.tenant].insert(local_date(s.tenant(r.tenant).time_zone, r.at).value().substr(0, 7));
    }
  }
  auto& bills = *host.services().bills;
  for (const auto& [tenant, periods] : months) {
    for (const auto& period : periods) {
      auto run = bills.close_month(tenant, period, now_us());
      ASSERT_TRUE(run.ok()) << tenant << " " << period << ": " << run.status().message();
    }
  }
  auto tenant_keys = keys(host, s);
  auto tokens = consumer_tokens(host, s);
  for (const auto& sub : s.subscribers) {
    SCOPED_TRACE(sub.tenant_code + "/" + sub.account_id);
    std::string token = tokens[sub.tenant_code + "/" + sub.account_id];
    auto r = http_get(host.port(), "/portal/api/v1/bills", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(r.status, 200) << r.body;
    double charged = 0;
    json body = json::parse(r.body);
    for (const auto& bill : body["bills"]) {
      EXPECT_EQ(bill["account"], sub.account_id);
      for (const auto& line : bill["lines"]) {
        if (line["kind"] != "plan") charged += line["amount"].get<double>();
      }
    }
    EXPECT_NEAR(charged, expected[sub.tenant_code + "/" + sub.account_id], 0.01);
  }
  for (const auto& t : s.tenants) {
    SCOPED_TRACE(t.code);
    std::set<std::string> own;
    for (const auto& sub : s.subscribers) {
      if (sub.tenant_code == t.code) own.insert(sub.account_id);
    }
    for (const auto& period : months[t.code]) {
      auto r = http_get(host.port(), "/api/v1/bills?month=" + period,
                        {{"Authorization", "Bearer " + tenant_keys[t.code]}});
      ASSERT_EQ(r.status, 200) << r.body;
      std::set<std::string> seen;
      json body = json::parse(r.body);
      for (const auto& bill : body["bills"]) seen.insert(bill["account"]);
      EXPECT_EQ(seen, own) << period;
      auto csv = http_get(host.port(), "/api/v1/bills?format=csv&month=" + period,
                          {{"Authorization", "Bearer " + tenant_keys[t.code]}});
      EXPECT_EQ(csv.status, 200);
      EXPECT_EQ(csv.body.rfind("account,month,kind,label,quantity,amount\n", 0), 0u);
    }
  }
  EXPECT_EQ(http_get(host.port(), "/api/v1/bills?month=2026-10").status, 401);
  for (const char* bad : {"", "?month=2026-13", "?month=2026-1", "?month=yyyy-mm"}) {
    EXPECT_EQ(http_get(host.port(), std::string("/api/v1/bills") + bad,
                       {{"Authorization", "Bearer " + tenant_keys["alpha"]}})
                  .status,
              400)
        << bad;
  }
}

TEST_P(RecordPluginsTest, EightTenantsSeeExactlyTheirOwnRecords) {
  CdrScenario s = scenario();
  InProcessHost host(fixture_settings({"voice_cdr", "sms"}, overrides()), db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  apply_directory(s, *host.services().directory);
  for (const auto& f : s.voice_files) spool("voice", f);
  for (const auto& f : s.sms_files) spool("sms", f);
  ingest::Spooler spooler(&host.plugins(), 2);  // two files at once, as on MariaDB
  EXPECT_EQ(spooler.poll(), 4);
  for (const auto& f : s.voice_files)
    EXPECT_TRUE(fs::exists(dir_.path() + "/voice/done/" + f.name));
  for (const auto& f : s.sms_files) EXPECT_TRUE(fs::exists(dir_.path() + "/sms/done/" + f.name));

  // Counts add up: lines read = stored + duplicates + quarantined, per plugin.
  auto check_counts = [&](const char* plugin, const std::vector<SpoolFile>& files,
                          const std::vector<ExpectedRecord>& records, int64_t repeats) {
    int64_t lines = 0, malformed = 0;
    for (const auto& f : files) {
      lines += f.data_lines;
      malformed += static_cast<int64_t>(f.malformed_lines.size());
    }
    auto& m = host.metrics();
    int64_t stored = static_cast<int64_t>(m.ingest_records(plugin, "stored"));
    int64_t duplicates = static_cast<int64_t>(m.ingest_records(plugin, "duplicate"));
    int64_t quarantined = static_cast<int64_t>(m.ingest_records(plugin, "quarantined"));
    EXPECT_EQ(stored + duplicates + quarantined, lines) << plugin;
    const std::set<std::string> held = s.quarantined_ids(records);
    int64_t mistaken = static_cast<int64_t>(held.size());
    // A repeated line of a quarantined record counts as quarantined again, not as a
    // duplicate: nobody sees it.
    int64_t repeats_held = 0;
    for (const auto& f : files) {
      for (const auto& id : f.repeated_ids) repeats_held += static_cast<int64_t>(held.count(id));
    }
    EXPECT_EQ(quarantined, malformed + mistaken + repeats_held) << plugin;
    EXPECT_EQ(duplicates, repeats - repeats_held) << plugin;
    EXPECT_EQ(stored, static_cast<int64_t>(records.size()) - mistaken) << plugin;
  };
  check_counts("voice_cdr", s.voice_files, s.voice, s.voice_repeats);
  check_counts("sms", s.sms_files, s.sms, s.sms_repeats);

  // Quarantine: every malformed line by file and line number; the mistaken assignment's
  // records with the disagreement, never with delta or golf.
  auto items = host.services().records->quarantine(false);
  ASSERT_TRUE(items.ok());
  std::set<std::string> sources;
  std::set<std::string> quarantined_records;
  for (const auto& q : items.value()) {
    sources.insert(q.source);
    json payload = json::parse(q.payload);
    if (payload.is_array()) {
      quarantined_records.insert(payload[0].get<std::string>());
      EXPECT_NE(q.reason.find("identifiers disagree"), std::string::npos) << q.reason;
    }
  }
  for (const auto& f : s.voice_files) {
    for (int64_t line : f.malformed_lines)
      EXPECT_TRUE(sources.count(f.name + ":" + std::to_string(line))) << f.name << ":" << line;
  }
  std::set<std::string> mistaken = s.quarantined_ids(s.voice);
  for (const auto& id : s.quarantined_ids(s.sms)) mistaken.insert(id);
  EXPECT_EQ(quarantined_records, mistaken);

  auto tokens = keys(host, s);
  ScenarioProbe probe;
  probe.get = [&](const std::string& tenant, const std::string& target, const std::string& accept) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + tokens[tenant]}};
    if (!accept.empty()) headers["Accept"] = accept;
    auto r = http_get(host.port(), target, headers);
    return std::make_pair(r.status, r.body);
  };
  probe.export_file = [&](const std::string& plugin, const std::string& tenant,
                          const std::string& date) -> std::string {
    auto out = run_export(host, plugin, tenant, date);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? read_file(out->file) : "";
  };
  check_tenant_views(s, probe);
  check_exports(s, probe, {"2026-11-03", "2026-11-14", "2026-11-16", "2026-11-21"});
  EXPECT_EQ(host.metrics().plugin_errors("voice_cdr", "egress_blocked"), 0u);
}

// Backdated corrections after ingest lose no record, on both backends: a SIM handed over
// with its number (alpha -> bravo) takes its calls and messages since the move to bravo; a
// number moved without its SIM (charlie -> delta) sends the records whose IMSI stays with
// charlie to quarantine; re-ingesting the files changes nothing; once the SIM follows the
// number, releasing the quarantined records shows them to delta.
TEST_P(RecordPluginsTest, BackdatedCorrectionsLoseNoRecord) {
  CdrScenario s = scenario();
  InProcessHost host(fixture_settings({"voice_cdr", "sms"}, overrides()), db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  apply_directory(s, *host.services().directory);
  for (const auto& f : s.voice_files) spool("voice", f);
  for (const auto& f : s.sms_files) spool("sms", f);
  ingest::Spooler spooler(&host.plugins(), 2);
  ASSERT_EQ(spooler.poll(), 4);
  tenancy::Directory& directory = *host.services().directory;
  auto quarantined_records = [&]() {
    std::set<std::string> out;
    for (const auto& q : host.services().records->quarantine(false).value()) {
      json payload = json::parse(q.payload);
      if (payload.is_array()) {
        EXPECT_TRUE(out.insert(payload[0].get<std::string>()).second);
      }
    }
    return out;
  };
  auto expected_quarantine = [&]() {
    std::set<std::string> out = s.quarantined_ids(s.voice);
    for (const auto& id : s.quarantined_ids(s.sms)) out.insert(id);
    return out;
  };

  const int64_t alpha_moved = parse_time_us("2026-11-15T00:00:00Z").value();
  auto moved = directory.move(
      tenancy::IdKind::kMsisdn, "09010000001",
      {"bravo", "s1", "", "09010000001", "440101000000001", "", alpha_moved, kForever});
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_GT(moved->records.moved, 0);
  EXPECT_EQ(moved->records.quarantined, 0);
  reassign_expected(s, "+819010000001", alpha_moved, "bravo");

  const int64_t charlie_moved = parse_time_us("2026-11-20T00:00:00Z").value();
  auto number_only = directory.move(
      tenancy::IdKind::kMsisdn, "09010200001",
      {"delta", "s1", "", "09010200001", "440101003000920", "", charlie_moved, kForever});
  ASSERT_TRUE(number_only.ok()) << number_only.status().message();
  EXPECT_GT(number_only->records.quarantined, 0);
  reassign_expected(s, "+819010200001", charlie_moved, "");
  EXPECT_EQ(quarantined_records(), expected_quarantine());

  auto tokens = keys(host, s);
  ScenarioProbe probe;
  probe.get = [&](const std::string& tenant, const std::string& target, const std::string& accept) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + tokens[tenant]}};
    if (!accept.empty()) headers["Accept"] = accept;
    auto r = http_get(host.port(), target, headers);
    return std::make_pair(r.status, r.body);
  };
  probe.export_file = [&](const std::string& plugin, const std::string& tenant,
                          const std::string& date) -> std::string {
    auto out = run_export(host, plugin, tenant, date);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? read_file(out->file) : "";
  };
  check_tenant_views(s, probe);
  check_exports(s, probe, {"2026-11-16", "2026-11-21"});

  // The same files again (new names, one more blank line): nothing stored twice, nothing
  // quarantined twice, nothing counted as a duplicate that nobody sees.
  for (SpoolFile f : s.voice_files) {
    f.name = "again-" + f.name;
    f.content += "\n";
    spool("voice", f);
  }
  ASSERT_EQ(spooler.poll(), 2);
  EXPECT_EQ(quarantined_records(), expected_quarantine());
  check_tenant_views(s, probe);

  // The SIM follows the number; the quarantined records are released to delta.
  auto sim =
      directory.move(tenancy::IdKind::kImsi, "440101002000001",
                     {"delta", "s1", "", "", "440101002000001", "", charlie_moved, kForever});
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  for (const auto& q : host.services().records->quarantine(false).value()) {
    if (q.reason.find("after line move") == std::string::npos) continue;
    auto released = host.services().records->release(q.id);
    ASSERT_TRUE(released.ok()) << released.status().message();
    EXPECT_EQ(released->stored, 1);
  }
  reassign_expected(s, "+819010200001", charlie_moved, "delta");
  EXPECT_EQ(quarantined_records(), expected_quarantine());
  check_tenant_views(s, probe);
}

TEST_P(RecordPluginsTest, ExportIsAtomicRepeatableAndDescribedByItsManifest) {
  CdrScenario s = scenario();
  InProcessHost host(fixture_settings({"voice_cdr", "sms"}, overrides()), db_.db());
  apply_directory(s, *host.services().directory);
  for (const auto& f : s.voice_files) spool("voice", f);
  ingest::Spooler(&host.plugins()).poll();

  auto first = run_export(host, "voice_cdr", "bravo", "2026-11-16");
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::string content = read_file(first->file);
  json manifest = json::parse(read_file(first->manifest));
  EXPECT_EQ(manifest["rows"],
            static_cast<int64_t>(s.ids_for(s.voice, "bravo", "2026-11-16").size()));
  EXPECT_EQ(manifest["sha256"], first->sha256);
  EXPECT_EQ(manifest["tenant"], "bravo");
  EXPECT_EQ(manifest["time_zone"], "UTC");
  EXPECT_EQ(manifest["from"], "2026-11-16T00:00:00Z");
  EXPECT_EQ(manifest["to"], "2026-11-17T00:00:00Z");
  EXPECT_FALSE(manifest["generated_at"].get<std::string>().empty());
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(fs::path(first->file).parent_path()))
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();

  auto again = run_export(host, "voice_cdr", "bravo", "2026-11-16");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(read_file(again->file), content);
  EXPECT_EQ(again->sha256, first->sha256);

  // Tokyo's day is not UTC's: alpha's 2026-11-03 starts at 15:00Z the day before.
  auto tokyo = run_export(host, "voice_cdr", "alpha", "2026-11-03");
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(json::parse(read_file(tokyo->manifest))["from"], "2026-11-02T15:00:00Z");

  // Refusals name the problem: a plugin the tenant did not enable, a bad date.
  auto hotel = run_export(host, "sms", "hotel", "2026-11-16");
  ASSERT_FALSE(hotel.ok());
  EXPECT_NE(hotel.status().message().find("not enabled for the tenant"), std::string::npos);
  auto bad_date = run_export(host, "voice_cdr", "bravo", "2026-11-31");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_NE(bad_date.status().message().find("YYYY-MM-DD"), std::string::npos);
}

TEST_P(RecordPluginsTest, UnreadableFilesFailAndRepeatedFilesAreSkipped) {
  CdrScenario s = scenario();
  InProcessHost host(fixture_settings({"voice_cdr", "sms"}, overrides()), db_.db());
  apply_directory(s, *host.services().directory);
  ingest::Spooler spooler(&host.plugins());
  dir_.write("voice/no-columns.csv", "record_id,call_start\nv1,2026-11-02T00:00:00Z\n");
  dir_.write("voice/empty.csv", "");
  spool("voice", s.voice_files[0]);
  EXPECT_EQ(spooler.poll(), 3);
  EXPECT_TRUE(fs::exists(dir_.path() + "/voice/failed/no-columns.csv"));
  std::string report = read_file(dir_.path() + "/voice/failed/no-columns.csv.err");
  EXPECT_NE(report.find("the header lacks the column(s) answer_time, end_time"), std::string::npos)
      << report;
  EXPECT_NE(read_file(dir_.path() + "/voice/failed/empty.csv.err").find("no header line"),
            std::string::npos);
  uint64_t stored = host.metrics().ingest_records("voice_cdr", "stored");

  // The same content under another name: recognised, skipped, nothing stored twice.
  SpoolFile copy = s.voice_files[0];
  copy.name = "switch-1-resent.csv";
  spool("voice", copy);
  EXPECT_EQ(spooler.poll(), 1);
  EXPECT_TRUE(fs::exists(dir_.path() + "/voice/done/switch-1-resent.csv"));
  EXPECT_EQ(host.metrics().ingest_records("voice_cdr", "stored"), stored);
  EXPECT_EQ(host.metrics().ingest_records("voice_cdr", "duplicate"), 0u);
}

TEST_P(RecordPluginsTest, AsteriskCdrCsvIsAccepted) {
  CdrScenario s = scenario();
  auto settings = overrides();
  settings.push_back("plugin.voice_cdr.format=asterisk");
  settings.push_back("plugin.voice_cdr.asterisk_utc_offset=+09:00");
  InProcessHost host(fixture_settings({"voice_cdr"}, settings), db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  apply_directory(s, *host.services().directory);
  // accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,
  // duration,billsec,disposition,amaflags[,uniqueid[,userfield]]
  dir_.write(
      "voice/Master.csv",
      R"("","09010100001","0311112222","from-internal","""Alpha"" <09010100001>","PJSIP/a-0001","PJSIP/trunk-0002","Dial","PJSIP/0311112222@trunk","2026-11-05 10:00:00","2026-11-05 10:00:04","2026-11-05 10:01:04",64,60,"ANSWERED","DOCUMENTATION","1762304400.1"
"","0311112222","09010100001","from-pstn","","PJSIP/trunk-0003","PJSIP/a-0004","Dial","PJSIP/a","2026-11-05 11:00:00","","2026-11-05 11:00:20",20,0,"NO ANSWER","DOCUMENTATION"
"","09010100001","0311112222","from-internal","","PJSIP/a-0005","","Dial","","not a time","","",0,0,"FAILED","DOCUMENTATION","1762304400.3"
)");
  ingest::Spooler(&host.plugins()).poll();
  EXPECT_EQ(host.metrics().ingest_records("voice_cdr", "stored"), 2u);
  EXPECT_EQ(host.metrics().ingest_records("voice_cdr", "quarantined"), 1u);
  // 090-1010-0001 is bravo's (per minute, 12 a minute).
  std::string token = host.services().keys->create("bravo", "t", now_us() + 86400000000LL)->token;
  auto r = http_get(host.port(), "/api/v1/voice/cdrs",
                    {{"Authorization", "Bearer " + token}, {"Accept", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(
      r.body.find("1762304400.1,2026-11-05T01:00:00Z,2026-11-05T01:00:04Z,2026-11-05T01:01:04Z,"
                  "64,60,09010100001,0311112222,outgoing,+819010100001,,ANSWERED,12"),
      std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(",incoming,+819010100001,,NO ANSWER,0"), std::string::npos) << r.body;
}

TEST_P(RecordPluginsTest, GloballyDisabledPluginLeavesItsSpoolAndRoutesAlone) {
  CdrScenario s = scenario();
  InProcessHost host(fixture_settings({"voice_cdr"}, overrides()), db_.db());
  apply_directory(s, *host.services().directory);
  spool("sms", s.sms_files[0]);
  ingest::Spooler(&host.plugins()).poll();
  EXPECT_TRUE(fs::exists(dir_.path() + "/sms/" + s.sms_files[0].name));
  EXPECT_FALSE(fs::exists(dir_.path() + "/sms/done"));
  std::string token = host.services().keys->create("alpha", "t", now_us() + 86400000000LL)->token;
  EXPECT_EQ(
      http_get(host.port(), "/api/v1/sms/records", {{"Authorization", "Bearer " + token}}).status,
      404);
}

TEST_P(RecordPluginsTest, EgressGuardWithholdsAnExportNamingAnotherTenantsNumber) {
  CdrScenario s = scenario();
  for (auto& t : s.tenants) t.plugins.push_back("leaky_export");
  // bravo's number, about to be written into alpha's file.
  auto settings = fixture_settings({"leaky_export"}, {"plugin.leaky_export.extra=09010100001"});
  InProcessHost host(settings, db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  apply_directory(s, *host.services().directory);
  auto out = run_export(host, "leaky_export", "alpha", "2026-11-16");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("withheld by the egress guard"), std::string::npos)
      << out.status().message();
  std::string dir = s.tenant("alpha").export_dir + "/leaky_export";
  EXPECT_FALSE(fs::exists(dir + "/alpha_leaky_export_events_2026-11-16.csv"));
  EXPECT_FALSE(fs::exists(dir + "/alpha_leaky_export_events_2026-11-16.manifest.json"));
  if (fs::exists(dir)) {
    EXPECT_TRUE(fs::is_empty(dir)) << "a temporary file was left behind";
  }
  EXPECT_EQ(host.metrics().plugin_errors("leaky_export", "egress_blocked"), 1u);
  auto audit = host.services().audit->entries(0, kForever);
  ASSERT_TRUE(audit.ok());
  bool audited = false;
  for (const auto& e : audit.value())
    audited = audited || (e.action == "egress_blocked" && e.principal == "tenant:alpha");
  EXPECT_TRUE(audited);
  // The control: in bravo's own file the number passes, and the file is written.
  auto own = run_export(host, "leaky_export", "bravo", "2026-11-16");
  EXPECT_TRUE(own.ok()) << own.status().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordPluginsTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
