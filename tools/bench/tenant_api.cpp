// tenant_api: requests per second and latency of the tenant API under wrk, with keep-alive
// connections and many tenants' API keys (a wrk Lua script rotates the Authorization header),
// against mvne-host serving voice_cdr's page of records on SQLite and MariaDB, egress guard and
// audit on; and in the same run, as the reference, nginx serving the same bytes as a static
// file on loopback. Prints requests/s, p50 and p99 of each and the ratio to nginx.
//
// Usage: tenant_api [seconds per run, default 10] [connections, default 64]
//                   [tenants, default 24] [records per page, default 20]
//                   [mysql://user:pw@host:port/db]   (the URL may also come from MVNE_TEST_MYSQL)
// Needs wrk and nginx (tools/bootstrap installs both).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/http_bench.h"

namespace {

using namespace mvne::bench;

struct Options {
  int seconds = 10;
  int connections = 64;
  int tenants = 24;
  int page = 20;
  std::string mysql_url;
};

std::string msisdn(int tenant) { return "090" + std::to_string(20000000 + tenant); }
std::string imsi(int tenant) { return "44010" + std::to_string(1000000000 + tenant); }

// Tenants t0.. with voice_cdr, one line each, and an API key each; the keys.
std::vector<std::string> seed(const Options& o, std::shared_ptr<mvne::storage::Database> db) {
  auto services = mvne::platform::Services::on(std::move(db), mvne::config::NumberingConfig{});
  auto& dir = *services->directory;
  std::vector<std::string> keys;
  int64_t expiry = mvne::now_us() + int64_t{86400} * 1000000;
  for (int t = 0; t < o.tenants; ++t) {
    std::string code = "t" + std::to_string(t);
    if (auto r = dir.add_tenant({0, code, code, "Asia/Tokyo", "/tmp", {"voice_cdr"}}); !r.ok())
      die("tenant", r.status());
    if (auto r = dir.add_plan({0, code, "p", "p", 0, 20, 1, 0, 0, ""}); !r.ok())
      die("plan", r.status());
    if (auto r = dir.add_subscriber({0, code, "sub", "s", "p", "s@" + code + ".example"}); !r.ok())
      die("subscriber", r.status());
    if (auto r = dir.assign({code, "sub", "", msisdn(t), imsi(t), "",
                             mvne::parse_time_us("2026-01-01").value(), mvne::kForever});
        !r.ok())
      die("line", r.status());
    auto key = services->keys->create(code, "bench", expiry);
    if (!key.ok()) die("api key", key.status());
    keys.push_back(key->token);
  }
  return keys;
}

// The switch file: `page` calls for each tenant's line.
std::string switch_file(const Options& o) {
  std::string csv =
      "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
      "called_number,call_type,imsi,disposition\n";
  for (int t = 0; t < o.tenants; ++t) {
    for (int i = 0; i < o.page; ++i) {
      char times[200];
      std::snprintf(times, sizeof times,
                    "2026-11-02T10:%02d:00+09:00,2026-11-02T10:%02d:04+09:00,"
                    "2026-11-02T10:%02d:34+09:00,34,30",
                    i, i, i);
      csv += "t" + std::to_string(t) + "-" + std::to_string(i) + "," + times + "," + msisdn(t) +
             ",0312345678,outgoing," + imsi(t) + ",ANSWERED\n";
    }
  }
  return csv;
}

struct HostRun {
  WrkFigures figures;
  std::string page;  // the body of one page, for nginx
};

// Seeds `db`, starts mvne-host on it with `storage_lines`, loads the switch file and runs wrk.
HostRun measure_host(const Options& o, const std::string& name,
                     std::shared_ptr<mvne::storage::Database> db,
                     const std::string& storage_lines) {
  mvne::bench::Scratch scratch("tenant-api-" + name);
  std::vector<std::string> keys = seed(o, std::move(db));
  uint16_t port = free_port();
  std::string config = scratch.path() + "/mvne.conf";
  write_file(config,
             "[host]\nshutdown_timeout_ms = 5000\n[log]\nlevel = warn\n[http]\nlisten = "
             "127.0.0.1:" +
                 std::to_string(port) + "\n" + http_lines_from_env() + storage_lines +
                 "pool_size = " + std::to_string(std::min(o.connections, 256)) + "\n" +
                 "max_connections = " + std::to_string(std::min(o.connections, 256)) + "\n" +
                 "[audit]\nkey_file = audit.key\n[plugins]\ndir = " MVNE_PLUGIN_DIR
                 "\nenabled = voice_cdr\n[plugin.voice_cdr]\nspool_dir = spool\n");
  std::filesystem::create_directories(scratch.path() + "/spool");
  write_file(scratch.path() + "/spool/bench.csv.part", switch_file(o));
  std::filesystem::rename(scratch.path() + "/spool/bench.csv.part",
                          scratch.path() + "/spool/bench.csv");
  std::string log = scratch.path() + "/host.log";
  pid_t host = spawn({MVNE_HOST_BINARY, "--config", config}, log);
  wait_until("mvne-host", 30, [&] { return get(port, "/healthz").first == 200; });
  wait_until("ingest", 60,
             [&] { return std::filesystem::exists(scratch.path() + "/spool/done/bench.csv"); });
  std::string target = "/api/v1/voice/cdrs?limit=" + std::to_string(o.page);
  auto [status, page] = get(port, target, keys[0]);
  size_t records = 0;
  for (size_t at = page.find("\"record_id\""); at != std::string::npos;
       at = page.find("\"record_id\"", at + 1))
    ++records;
  if (status != 200 || records != static_cast<size_t>(o.page)) {
    die(name, "the page is not " + std::to_string(o.page) + " records (status " +
                  std::to_string(status) + "): " + page.substr(0, 300));
  }
  HostRun run;
  run.page = page;
  run.figures =
      run_wrk({o.connections, o.seconds}, "http://127.0.0.1:" + std::to_string(port) + target,
              bearer_script(scratch.path(), keys));
  stop(host);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  BenchArgs args = parse_args(argc, argv);
  const auto& numbers = args.numbers;
  o.mysql_url = args.mysql_url;
  if (numbers.size() > 0) o.seconds = std::atoi(numbers[0].c_str());
  if (numbers.size() > 1) o.connections = std::atoi(numbers[1].c_str());
  if (numbers.size() > 2) o.tenants = std::atoi(numbers[2].c_str());
  if (numbers.size() > 3) o.page = std::atoi(numbers[3].c_str());
  if (o.seconds < 1 || o.connections < 1 || o.tenants < 1 || o.page < 1 || o.page > 59)
    die("usage",
        "tenant_api [seconds] [connections] [tenants] [records per page, 1 to 59] [mysql://...]");

  std::vector<std::pair<std::string, HostRun>> hosts;
  on_each_backend("tenant-api", o.mysql_url,
                  [&](const std::string& backend, auto db, const std::string& storage_lines) {
                    hosts.emplace_back("mvne-host " + backend,
                                       measure_host(o, backend, db, storage_lines));
                  });
  WrkFigures nginx = measure_nginx({o.connections, o.seconds}, hosts.front().second.page);

  std::printf(
      "tenant_api: %d keep-alive connections, %d s per run, %d tenants' keys, a page of "
      "%d records (%zu bytes), %u cores, storage.pool_size %d\n",
      o.connections, o.seconds, o.tenants, o.page, hosts.front().second.page.size(),
      std::thread::hardware_concurrency(), std::min(o.connections, 256));
  print_header();
  print_row("nginx (static file)", nginx, nullptr);
  for (const auto& [name, run] : hosts) print_row(name.c_str(), run.figures, &nginx);
  std::printf("  target: at least 0.30x of nginx with p99 under 20 ms\n");
  return 0;
}
