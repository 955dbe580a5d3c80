#include "tests/support/several_hosts.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tests/support/cdr_scenario.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mail_submit.h"
#include "tests/support/nginx_proxy.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// One data session on a scenario line, its events sent to different hosts.
struct Session {
  std::string tenant, id, msisdn, imsi;  // msisdn national ("090...")
  int64_t up = 0, down = 0;              // the Stop's counters
};

class Trio {
 public:
  explicit Trio(const std::vector<storage::StorageSettings>& databases) {
    for (size_t i = 0; i < databases.size(); ++i) {
      radius_.push_back(free_port(SOCK_DGRAM));
      configs_.push_back(dir_.write(
          "host" + std::to_string(i) + ".conf",
          "[host]\nshutdown_timeout_ms = 5000\n[http]\nlisten = 127.0.0.1:0\n" +
              storage_section(databases[i], dir_) +
              "[audit]\nkey_file = audit.key\n[plugins]\ndir = " MVNE_PLUGIN_DIR
              "\nenabled = voice_cdr, sms, data_sessions\n"
              "[plugin.voice_cdr]\nspool_dir = spool/voice\n[plugin.sms]\nspool_dir = spool/sms\n"
              "[plugin.data_sessions]\nlisten = 127.0.0.1:" +
              std::to_string(radius_.back()) +
              "\nclient_secrets = 127.0.0.1=testing123\nspeed_attribute = 11\n"
              "high_speed_values = high\n"));
    }
    for (const char* sub : {"spool/voice", "spool/sms"})
      fs::create_directories(dir_.path() + "/" + sub);
    hosts_.resize(configs_.size());
  }

  void start(size_t i) {
    hosts_[i] = std::make_unique<HostProcess>(std::vector<std::string>{"--config", configs_[i]});
    ASSERT_TRUE(hosts_[i]->started()) << "host " << i << ": " << hosts_[i]->err();
  }
  void kill9(size_t i) {
    hosts_[i]->signal(SIGKILL);
    hosts_[i]->wait(10);
  }
  void stop_all() {
    for (auto& h : hosts_) {
      h->signal(SIGTERM);
      EXPECT_EQ(h->wait(30), 0) << h->err();
    }
  }
  std::vector<uint16_t> http_ports() const {
    std::vector<uint16_t> ports;
    for (const auto& h : hosts_) ports.push_back(h->port());
    return ports;
  }
  std::string logs() const {
    std::string all;
    for (size_t i = 0; i < hosts_.size(); ++i)
      all += "--- host " + std::to_string(i) + "\n" + (hosts_[i] ? hosts_[i]->err() : "");
    return all;
  }

  // Renamed into place, as a switch delivers: the spool never sees a half-written file.
  void drop(const std::string& plugin_dir, const SpoolFile& f) {
    std::string part = dir_.write("spool/" + plugin_dir + "/" + f.name + ".part", f.content);
    fs::rename(part, dir_.path() + "/spool/" + plugin_dir + "/" + f.name);
  }
  bool ingested(const CdrScenario& s) const {
    for (const auto& [sub, files] : {std::pair{"voice", &s.voice_files}, {"sms", &s.sms_files}}) {
      for (const auto& f : *files) {
        if (!fs::exists(dir_.path() + "/spool/" + sub + "/done/" + f.name)) return false;
      }
    }
    return true;
  }
  std::vector<std::string> left_over() const {
    std::vector<std::string> names;
    for (const char* sub : {"spool/voice", "spool/sms"}) {
      for (const char* where : {"", "/.processing", "/failed"}) {
        fs::path d = dir_.path() + "/" + sub + where;
        if (!fs::exists(d)) continue;
        for (const auto& e : fs::directory_iterator(d))
          if (e.is_regular_file()) names.push_back(e.path().string());
      }
    }
    return names;
  }

  // One accounting request to host `i` (radclient, answered or the test fails).
  void account(size_t i, const Session& s, const char* status, int64_t at_us, int64_t up,
               int64_t down) {
    std::string request = std::string("Acct-Status-Type = ") + status + "\nAcct-Session-Id = \"" +
                          s.id + "\"\nCalling-Station-Id = \"81" + s.msisdn.substr(1) +
                          "\"\n3GPP-IMSI = \"" + s.imsi +
                          "\"\nEvent-Timestamp = " + std::to_string(at_us / 1000000) +
                          "\nFilter-Id = \"high\"\nAcct-Input-Octets = " + std::to_string(up) +
                          "\nAcct-Output-Octets = " + std::to_string(down) + "\n";
    ExitResult r =
        run_binary("/usr/bin/radclient",
                   {"-f", dir_.write("acct-" + s.id + ".txt", request), "-r", "3", "-t", "3", "-q",
                    "127.0.0.1:" + std::to_string(radius_[i]), "acct", "testing123"});
    EXPECT_EQ(r.exit_code, 0) << s.id << " " << status << " to host " << i << ": " << r.err;
  }

 private:
  TempDir dir_;
  std::vector<uint16_t> radius_;
  std::vector<std::string> configs_;
  std::vector<std::unique_ptr<HostProcess>> hosts_;
};

// Two lines each of alpha and golf (never moved in the scenario), one session each.
std::vector<Session> sessions() {
  std::vector<Session> out;
  for (auto [tenant, index] : {std::pair{"alpha", 0}, {"golf", 6}}) {
    for (int n : {1, 2}) {
      Session s;
      s.tenant = tenant;
      s.id = std::string(tenant) + "-session-" + std::to_string(n);
      s.msisdn = "090" + std::to_string(10000000 + index * 100000 + n);
      s.imsi = "44010" + std::to_string(1000000000LL + index * 1000000LL + n);
      s.up = 5000 + 100 * index + n;
      s.down = 70000 + 100 * index + n;
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace

void run_three_hosts(const std::vector<storage::StorageSettings>& database_of_host,
                     const std::function<void()>& meanwhile) {
  ASSERT_EQ(database_of_host.size(), 3u);
  CdrScenario s = make_cdr_scenario();
  for (auto& t : s.tenants) t.plugins.push_back("data_sessions");
  std::map<std::string, std::string> tokens, key_ids;
  {
    auto db = storage::Database::open(database_of_host[0]);
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto services = platform::Services::on(db.value(), config::NumberingConfig{});
    apply_directory(s, *services->directory);
    for (const auto& t : s.tenants) {
      auto key = services->keys->create(t.code, "several hosts", kForever);
      tokens[t.code] = key->token;
      key_ids[t.code] = key->key_id;
    }
  }

  Trio trio(database_of_host);
  // The first host creates the audit key the others then read.
  for (size_t i = 0; i < 3; ++i) trio.start(i);
  if (::testing::Test::HasFatalFailure()) return;

  // Spool files while a host dies mid-way (its claimed file is taken back) and the database
  // side does what `meanwhile` says.
  std::thread side([&] {
    if (meanwhile) meanwhile();
  });
  const size_t half = s.voice_files.size() / 2;
  for (size_t f = 0; f < s.voice_files.size(); ++f) {
    trio.drop("voice", s.voice_files[f]);
    if (f < s.sms_files.size()) trio.drop("sms", s.sms_files[f]);
    if (f == half) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      trio.kill9(1);
    }
  }
  for (size_t f = s.voice_files.size(); f < s.sms_files.size(); ++f)
    trio.drop("sms", s.sms_files[f]);
  trio.start(1);
  side.join();
  ASSERT_TRUE(eventually([&] { return trio.ingested(s); }, 120)) << trio.logs();
  EXPECT_TRUE(trio.left_over().empty()) << "files not done: " << trio.left_over().front();

  // RADIUS: each event to another host, Interim and Stop sent again to a third one.
  const int64_t start = parse_time_us("2026-11-20T10:00:00Z").value();
  std::vector<Session> sent = sessions();
  for (size_t k = 0; k < sent.size(); ++k) {
    const Session& x = sent[k];
    trio.account(k % 3, x, "Start", start, 0, 0);
    trio.account((k + 1) % 3, x, "Interim-Update", start + 600'000'000, x.up / 2, x.down / 3);
    trio.account((k + 2) % 3, x, "Interim-Update", start + 600'000'000, x.up / 2, x.down / 3);
    trio.account((k + 2) % 3, x, "Stop", start + 1'800'000'000, x.up, x.down);
    trio.account(k % 3, x, "Stop", start + 1'800'000'000, x.up, x.down);
  }

  // Reads through nginx, which spreads them over the three hosts.
  NginxProxy nginx(trio.http_ports(), NginxProxy::kBalancer);
  ScenarioProbe probe;
  probe.get = [&](const std::string& tenant, const std::string& target, const std::string& accept) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + tokens[tenant]}};
    if (!accept.empty()) headers["Accept"] = accept;
    HttpResult r = http_get(nginx.port(), target, headers);
    return std::make_pair(r.status, r.body);
  };
  check_tenant_views(s, probe);
  for (const auto& t : s.tenants) {
    SCOPED_TRACE("tenant " + t.code);
    auto [status, body] = probe.get(t.code, "/api/v1/data/sessions?month=2026-11", "");
    ASSERT_EQ(status, 200) << body;
    std::map<std::string, std::pair<int64_t, int64_t>> seen;
    const json listed = json::parse(body);
    for (const auto& row : listed["sessions"]) {
      std::string id = row["session_id"];
      EXPECT_FALSE(seen.count(id)) << id << " listed twice";
      seen[id] = {row["bytes_up"].get<int64_t>(), row["bytes_down"].get<int64_t>()};
    }
    std::map<std::string, std::pair<int64_t, int64_t>> expected;
    for (const auto& x : sent)
      if (x.tenant == t.code) expected[x.id] = {x.up, x.down};
    EXPECT_EQ(seen, expected) << body;

    // Daily usage counts each byte once: retransmissions crossing hosts add nothing.
    std::tie(status, body) = probe.get(t.code, "/api/v1/data/daily?month=2026-11", "");
    ASSERT_EQ(status, 200) << body;
    std::map<std::string, int64_t> used, expected_used;
    const json days = json::parse(body);
    for (const auto& d : days["days"]) used[d["msisdn"]] += d["high_speed_bytes"].get<int64_t>();
    for (const auto& x : sent)
      if (x.tenant == t.code) expected_used["+81" + x.msisdn.substr(1)] = x.up + x.down;
    EXPECT_EQ(used, expected_used) << body;
  }

  // A key revoked through one host's database is refused by every host within the stated
  // bound (a host reuses a key's row for at most ApiKeys::kCacheFor).
  {
    auto db = storage::Database::open(database_of_host[0]);
    ASSERT_TRUE(db.ok());
    auto services = platform::Services::on(db.value(), config::NumberingConfig{});
    ASSERT_TRUE(services->keys->revoke(key_ids["alpha"]).ok());
    std::this_thread::sleep_for(auth::ApiKeys::kCacheFor + std::chrono::milliseconds(200));
    for (uint16_t port : trio.http_ports()) {
      HttpResult r =
          http_get(port, "/api/v1/voice/summary", {{"Authorization", "Bearer " + tokens["alpha"]}});
      EXPECT_EQ(r.status, 401) << "host on port " << port << " still takes the revoked key";
    }
  }

  // Stored once: as many rows as distinct records, whatever was retried or taken back.
  auto db = storage::Database::open(database_of_host[2]);
  ASSERT_TRUE(db.ok());
  size_t voice = 0, sms = 0;
  for (const auto& r : s.voice) voice += !r.tenant.empty();
  for (const auto& r : s.sms) sms += !r.tenant.empty();
  auto count = [&](const char* table) {
    auto rows = db.value()->query(std::string("SELECT COUNT(*) FROM ") + table);
    return rows.ok() ? static_cast<size_t>(storage::as_int(rows.value()[0][0])) : 0;
  };
  EXPECT_EQ(count("rec_voice_cdr_cdr"), voice);
  EXPECT_EQ(count("rec_sms_message"), sms);
  trio.stop_all();
}

}  // namespace mvne::testing
