// Export files on SQLite and MariaDB, written by a deliberately buggy plugin
// (tests/fixtures/leaky_export.cpp): the egress guard sees a number split across writes,
// no link in an export directory is followed, tenants' directories never overlap, file
// names carry the tenant, and files are the owner's alone whatever the umask.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/time.h"
#include "core/exports/exporter.h"
#include "core/tenancy/export_dirs.h"
#include "tests/support/host_process.h"
#include "tests/support/in_process_host.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

// kumo's number, cut so that neither write holds 8 digits of it.
constexpr const char* kKumoNumber = "09020000001";
constexpr const char* kSplit = "plugin.leaky_export.split=28";  // "...,0902" | "0000001\n"

class ExportFilesTest : public ::testing::TestWithParam<std::string> {
 protected:
  // sakura and kumo with the plugin, each with its own export directory.
  void add_tenants(InProcessHost& host) {
    auto& d = *host.services().directory;
    for (const char* t : {"sakura", "kumo"}) {
      ASSERT_TRUE(
          d.add_tenant({0, t, t, "UTC", dir_.path() + "/exports/" + t, {"leaky_export"}}).ok());
      ASSERT_TRUE(d.add_plan({0, t, "p", "p", 0, 0, 1, 0, 0, ""}).ok());
      ASSERT_TRUE(
          d.add_subscriber({0, t, "u1", "s", "p", std::string("u1@") + t + ".example"}).ok());
    }
    auto since = parse_time_us("2026-01-01").value();
    ASSERT_TRUE(d.assign({"kumo", "u1", "", kKumoNumber, "", "", since, kForever}).ok());
  }
  StatusOr<exports::Outcome> run_export(InProcessHost& host, const std::string& tenant) {
    for (const auto& p : host.plugins().running()) {
      auto t = host.services().directory->tenant(tenant);
      if (!t.ok()) return t.status();
      return exports::run(*p, p->registrations().exports.at(0), t.value(), "2026-11-16");
    }
    return Status::NotFound("leaky_export is not running");
  }
  config::Settings settings(std::vector<std::string> extra) {
    extra.insert(extra.begin(), std::string("plugin.leaky_export.extra=") + kKumoNumber);
    return fixture_settings({"leaky_export"}, extra);
  }
  std::string plugin_dir(const std::string& tenant) {
    return dir_.path() + "/exports/" + tenant + "/leaky_export";
  }

  TestDatabase db_{GetParam()};
  TempDir dir_;
};

// Another tenant's number written in two pieces ("...,0902" then "0000001\n") is seen
// whole: no file, an egress_blocked incident; in kumo's own file the same bytes pass.
TEST_P(ExportFilesTest, NumberSplitAcrossWritesIsWithheld) {
  InProcessHost host(settings({kSplit}), db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  add_tenants(host);
  auto out = run_export(host, "sakura");
  ASSERT_FALSE(out.ok()) << "written: " << read_file(out->file);
  EXPECT_NE(out.status().message().find("withheld by the egress guard"), std::string::npos)
      << out.status().message();
  EXPECT_EQ(host.metrics().plugin_errors("leaky_export", "egress_blocked"), 1u);
  if (fs::exists(plugin_dir("sakura"))) {
    EXPECT_TRUE(fs::is_empty(plugin_dir("sakura")));
  }
  auto own = run_export(host, "kumo");
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_NE(read_file(own->file).find(std::string(",") + kKumoNumber + "\n"), std::string::npos);
}

// A guard that cannot read the identifier index leaves no file, and that is no incident:
// nothing is counted or audited as egress_blocked.
TEST_P(ExportFilesTest, GuardStorageErrorIsNoIncident) {
  InProcessHost host(settings({"plugin.leaky_export.extra="}), db_.db());
  ASSERT_TRUE(host.apply_status().ok()) << host.apply_status().message();
  add_tenants(host);
  {
    auto lease = db_.db()->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute("UPDATE directory_version SET version = version + 1").ok());
    ASSERT_TRUE((*lease)->execute("ALTER TABLE subscribers RENAME TO subscribers_away").ok());
  }
  auto out = run_export(host, "sakura");
  EXPECT_FALSE(out.ok()) << "written: " << read_file(out->file);
  EXPECT_EQ(host.metrics().plugin_errors("leaky_export", "egress_blocked"), 0u);
  auto lease = db_.db()->acquire();
  auto rows = (*lease)->query("SELECT COUNT(*) FROM audit_log WHERE action = 'egress_blocked'");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(storage::as_int(rows.value()[0][0]), 0);
}

// Files are named after the tenant, and a manifest of another tenant at the name is not
// written over.
TEST_P(ExportFilesTest, FileNamesCarryTheTenantAndManifestsAreChecked) {
  InProcessHost host(settings({"plugin.leaky_export.extra="}), db_.db());
  add_tenants(host);
  auto out = run_export(host, "sakura");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->file, plugin_dir("sakura") + "/sakura_leaky_export_events_2026-11-16.csv");
  EXPECT_EQ(out->manifest,
            plugin_dir("sakura") + "/sakura_leaky_export_events_2026-11-16.manifest.json");
  std::string manifest = read_file(out->manifest);
  EXPECT_NE(manifest.find("\"tenant\": \"sakura\""), std::string::npos) << manifest;
  std::ofstream(out->manifest) << "{\"tenant\": \"kumo\"}\n";
  auto again = run_export(host, "sakura");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("belongs to tenant 'kumo'"), std::string::npos)
      << again.status().message();
}

// The scheduled daily export tells the MVNO's contact (mvnectl mail tenant --contact) that its
// file is there, once per file; a tenant without a contact gets no mail.
TEST_P(ExportFilesTest, ScheduledExportsTellTheMvnosContact) {
  SmtpSink sink;
  InProcessHost host(settings({"plugin.leaky_export.extra=", "mail.relay=127.0.0.1:" +
                                                                 std::to_string(sink.port()),
                               "mail.starttls=off"}),
                     db_.db());
  add_tenants(host);
  auto& mail = *host.services().mail;
  ASSERT_TRUE(mail.tenants().set("sakura", {"Sakura Mobile", "", "ops@sakura-mvno.example"}).ok());
  EXPECT_EQ(mail.tenants().set("kumo", {"", "", "not an address"}).code(),
            Code::kInvalidArgument);
  auto plugin = host.plugins().running().at(0);
  const int64_t now = parse_time_us("2026-11-17T09:00:00Z").value();
  EXPECT_EQ(exports::run_for_all_tenants(*plugin, plugin->registrations().exports.at(0), now), 2);
  EXPECT_EQ(exports::run_for_all_tenants(*plugin, plugin->registrations().exports.at(0), now), 2)
      << "the same day's file again";
  EXPECT_EQ(mail.deliver_due(), 1) << "sakura's contact, once; kumo has none";
  auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rcpt_tos, std::vector<std::string>{"ops@sakura-mvno.example"});
  EXPECT_NE(got[0].data.find("sakura_leaky_export_events_2026-11-16.csv"), std::string::npos)
      << got[0].data;
}

// A link planted in an export directory is never followed: not at the temporary name the
// host used to use, not as the plugin's directory.
TEST_P(ExportFilesTest, LinksInTheExportPathAreNotFollowed) {
  InProcessHost host(settings({"plugin.leaky_export.extra="}), db_.db());
  add_tenants(host);
  std::string victim = dir_.write("victim.txt", "precious\n");
  fs::create_directories(plugin_dir("sakura"));
  for (const char* name :
       {"leaky_export_events_2026-11-16.csv", "sakura_leaky_export_events_2026-11-16.csv"}) {
    fs::create_symlink(victim,
                       plugin_dir("sakura") + "/." + name + ".tmp-" + std::to_string(::getpid()));
  }
  auto out = run_export(host, "sakura");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(read_file(victim), "precious\n");

  // kumo's plugin directory is a link to somewhere else: refused, nothing written there.
  std::string elsewhere = dir_.path() + "/elsewhere";
  fs::create_directories(elsewhere);
  fs::create_directories(dir_.path() + "/exports/kumo");
  fs::create_directory_symlink(elsewhere, plugin_dir("kumo"));
  auto linked = run_export(host, "kumo");
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.status().message().find("symbolic link"), std::string::npos)
      << linked.status().message();
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

// Whatever the umask, export files are 0600 in 0700 directories; under an export directory
// with the setgid bit (the operator's export group) they are 0640 and 0750.
TEST_P(ExportFilesTest, FilesAreOwnerOnlyOrForTheExportGroup) {
  InProcessHost host(settings({"plugin.leaky_export.extra="}), db_.db());
  add_tenants(host);
  fs::create_directories(dir_.path() + "/exports/kumo");
  ASSERT_EQ(::chmod((dir_.path() + "/exports/kumo").c_str(), 02750), 0);
  mode_t old = ::umask(0);
  auto sakura = run_export(host, "sakura");
  auto kumo = run_export(host, "kumo");
  ::umask(old);
  ASSERT_TRUE(sakura.ok()) << sakura.status().message();
  ASSERT_TRUE(kumo.ok()) << kumo.status().message();
  EXPECT_EQ(file_mode(sakura->file), 0600u);
  EXPECT_EQ(file_mode(sakura->manifest), 0600u);
  EXPECT_EQ(file_mode(dir_.path() + "/exports/sakura"), 0700u);
  EXPECT_EQ(file_mode(plugin_dir("sakura")), 0700u);
  EXPECT_EQ(file_mode(kumo->file), 0640u);
  EXPECT_EQ(file_mode(plugin_dir("kumo")) & 0777, 0750u);
}

// A tenant whose export directory lies inside another's gets no file, and the error names
// both tenants.
TEST_P(ExportFilesTest, OverlappingExportDirectoryGetsNoFile) {
  InProcessHost host(settings({"plugin.leaky_export.extra="}), db_.db());
  add_tenants(host);
  auto& d = *host.services().directory;
  ASSERT_TRUE(d.add_tenant({0,
                            "fuji",
                            "fuji",
                            "UTC",
                            dir_.path() + "/exports/kumo/../sakura/fuji",
                            {"leaky_export"}})
                  .ok());
  auto out = run_export(host, "fuji");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("tenant 'fuji'"), std::string::npos)
      << out.status().message();
  EXPECT_NE(out.status().message().find("tenant 'sakura'"), std::string::npos)
      << out.status().message();
  EXPECT_FALSE(fs::exists(dir_.path() + "/exports/sakura/fuji"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportFilesTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

tenancy::Tenant tenant(const char* code, std::string dir) {
  return {0, code, code, "UTC", std::move(dir), {}};
}

// Same directory, one inside the other either way, through "..", a trailing slash or a
// symbolic link, relative to the configuration's directory: all overlap; siblings and a
// name that merely starts like another do not.
TEST(ExportDirs, OverlapsAreFoundAfterResolving) {
  TempDir dir;
  fs::create_directories(dir.path() + "/exports/sakura");
  fs::create_directory_symlink(dir.path() + "/exports/sakura", dir.path() + "/alias");
  std::vector<tenancy::Tenant> existing = {tenant("sakura", dir.path() + "/exports/sakura")};
  for (std::string overlapping :
       {dir.path() + "/exports/sakura", dir.path() + "/exports/sakura/", dir.path() + "/exports",
        dir.path() + "/exports/sakura/kumo", dir.path() + "/exports/x/../sakura/kumo",
        dir.path() + "/alias/kumo", std::string("exports/sakura/kumo")}) {
    Status st = tenancy::check_export_dir(tenant("kumo", overlapping), existing, dir.path());
    EXPECT_FALSE(st.ok()) << overlapping;
    EXPECT_NE(st.message().find("tenant 'kumo'"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("tenant 'sakura'"), std::string::npos) << st.message();
  }
  for (std::string apart : {dir.path() + "/exports/kumo", dir.path() + "/exports/sakura2",
                            std::string("exports/sak")}) {
    EXPECT_TRUE(tenancy::check_export_dir(tenant("kumo", apart), existing, dir.path()).ok())
        << apart;
  }
}

// mvnectl refuses a tenant whose export directory lies inside another tenant's, naming both.
TEST(ExportDirs, MvnectlRefusesAnOverlappingTenant) {
  TempDir dir;
  std::vector<std::string> base = {"--config", MVNE_SOURCE_DIR "/config/mvne.conf", "--set",
                                   "storage.path=" + dir.path() + "/mvne.db"};
  auto add = [&](const char* code, const std::string& export_dir) {
    std::vector<std::string> args = base;
    args.insert(args.end(),
                {"tenant", "add", "--code", code, "--name", code, "--export-dir", export_dir});
    return run_ctl(args);
  };
  ASSERT_EQ(add("sakura", dir.path() + "/exports/sakura").exit_code, 0);
  auto kumo = add("kumo", dir.path() + "/exports/sakura/../sakura/kumo");
  EXPECT_EQ(kumo.exit_code, 1) << kumo.out;
  EXPECT_NE(kumo.err.find("tenant 'kumo'"), std::string::npos) << kumo.err;
  EXPECT_NE(kumo.err.find("tenant 'sakura'"), std::string::npos) << kumo.err;
  EXPECT_EQ(add("kumo", dir.path() + "/exports/kumo").exit_code, 0);
}

}  // namespace
}  // namespace mvne::testing
