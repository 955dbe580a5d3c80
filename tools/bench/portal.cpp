// portal: requests per second and latency of the consumer app API under wrk, with keep-alive
// connections and many logged-in consumers (a wrk Lua script rotates their session tokens),
// against mvne-host answering GET /portal/api/v1/usage (data_sessions: session lookup, the
// host's data balance, the month's daily use; egress guard and audit on) on SQLite and,
// given a server, MariaDB; and in the same run, as the
// reference, nginx serving the same bytes as a static file. Also logins per second at the
// configured argon2id cost ([portal] defaults: 64 MiB, 2 passes, 2 hashes at once). And the
// members' overview page (portal plugin: GET /portal/my/acme/, HTML, the consumers' sessions
// sent along) beside nginx serving the same HTML bytes.
//
// Usage: portal [seconds per run, default 10] [connections, default 64]
//               [consumers, default 200] [mysql://user:pw@host:port/db]
// Needs wrk and nginx (tools/bootstrap installs both).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/common/time.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/http_bench.h"

namespace {

using namespace mvne::bench;

constexpr const char* kRoute = "/portal/api/v1/usage";
constexpr const char* kPage = "/portal/my/acme/";

struct Options {
  WrkRun run;
  int consumers = 200;
  std::string mysql_url;
};

struct HostRun {
  WrkFigures figures, page_figures;
  double logins_per_s = 0;
  std::string page;  // one consumer's answer, for nginx
  std::string html;  // the overview page, for nginx
};

std::string account(int i) { return "c" + std::to_string(10000 + i); }
std::string password(int i) { return "password of " + account(i); }

// One tenant, `consumers` subscribers with a line and a password each (hashed cheaply here;
// the host rehashes each at the configured cost at its first login).
void seed(const Options& o, std::shared_ptr<mvne::storage::Database> db) {
  mvne::config::PortalSettings cheap;
  cheap.hash_memory_kib = 256;
  cheap.hash_passes = 1;
  auto services = mvne::platform::Services::on(std::move(db), {}, nullptr, cheap);
  auto& dir = *services->directory;
  if (auto r = dir.add_tenant({0, "acme", "Acme", "Asia/Tokyo", "/tmp", {"data_sessions"}});
      !r.ok())
    die("tenant", r.status());
  if (auto r = dir.add_plan({0, "acme", "p", "Plan", 3000000000, 20, 1, 3, 0, ""}); !r.ok())
    die("plan", r.status());
  auto& consumers = *services->consumers;
  for (int i = 0; i < o.consumers; ++i) {
    if (auto r = dir.add_subscriber({0, "acme", account(i), "s", "p", account(i) + "@x.example"});
        !r.ok())
      die("subscriber", r.status());
    if (auto r = dir.assign({"acme", account(i), "", "090" + std::to_string(30000000 + i), "", "",
                             mvne::parse_time_us("2026-01-01").value(), mvne::kForever});
        !r.ok())
      die("line", r.status());
    auto who = consumers.find("acme", account(i));
    if (!who.ok()) die("account", who.status());
    if (auto st = consumers.set_password(*who, password(i), mvne::now_us()); !st.ok())
      die("password", st);
  }
}

// Logs every consumer in from 8 threads; their tokens, and logins per second.
std::pair<std::vector<std::string>, double> login_all(const Options& o, uint16_t port) {
  std::vector<std::string> tokens(static_cast<size_t>(o.consumers));
  std::atomic<int> next{0};
  Clock::time_point start = Clock::now();
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = next++; i < o.consumers; i = next++) {
        nlohmann::json body = {
            {"tenant", "acme"}, {"account", account(i)}, {"password", password(i)}};
        auto [status, reply] = post(port, "/portal/api/v1/login", body.dump());
        for (int retry = 0; status == 503 && retry < 20; ++retry) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          std::tie(status, reply) = post(port, "/portal/api/v1/login", body.dump());
        }
        if (status != 200) die("login", account(i) + ": " + std::to_string(status) + " " + reply);
        tokens[static_cast<size_t>(i)] = nlohmann::json::parse(reply)["token"];
      }
    });
  }
  for (auto& c : clients) c.join();
  return {tokens, o.consumers / seconds_since(start)};
}

HostRun measure_host(const Options& o, const std::string& name,
                     std::shared_ptr<mvne::storage::Database> db,
                     const std::string& storage_lines) {
  Scratch scratch("portal-" + name);
  seed(o, std::move(db));
  uint16_t port = free_port();
  std::string config = scratch.path() + "/mvne.conf";
  write_file(config,
             "[host]\nshutdown_timeout_ms = 5000\n[log]\nlevel = warn\n[http]\nlisten = "
             "127.0.0.1:" +
                 std::to_string(port) + "\n" + http_lines_from_env() + storage_lines +
                 "pool_size = " + std::to_string(std::min(o.run.connections, 256)) +
                 "\nmax_connections = " + std::to_string(std::min(o.run.connections, 256)) +
                 "\n[audit]\nkey_file = audit.key\n[billing]\nauto_close = false\n"
                 "[plugins]\ndir = " MVNE_PLUGIN_DIR
                 "\nenabled = data_sessions, portal\n"
                 "[plugin.data_sessions]\nlisten = 127.0.0.1:0\n"
                 "client_secrets = 127.0.0.1=bench-secret\n");
  pid_t host = spawn({MVNE_HOST_BINARY, "--config", config}, scratch.path() + "/host.log");
  wait_until("mvne-host", 30, [&] { return get(port, "/healthz").first == 200; });
  (void)login_all(o, port);  // first logins rehash at the configured cost
  auto [tokens, logins_per_s] = login_all(o, port);
  auto [status, page] = get(port, kRoute, tokens[0]);
  if (status != 200 || page.find("\"quota_bytes\":3000000000") == std::string::npos)
    die(name, std::string("GET ") + kRoute + ": " + std::to_string(status) + " " + page);
  HostRun run;
  run.page = page;
  run.logins_per_s = logins_per_s;
  run.figures = run_wrk(o.run, "http://127.0.0.1:" + std::to_string(port) + kRoute,
                        bearer_script(scratch.path(), tokens));
  std::tie(status, run.html) = get(port, kPage, tokens[0]);
  if (status != 200 || run.html.find("<html lang=") == std::string::npos)
    die(name, std::string("GET ") + kPage + ": " + std::to_string(status) + " " + run.html);
  run.page_figures = run_wrk(o.run, "http://127.0.0.1:" + std::to_string(port) + kPage,
                             bearer_script(scratch.path(), tokens));
  stop(host);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  BenchArgs args = parse_args(argc, argv);
  const auto& numbers = args.numbers;
  o.mysql_url = args.mysql_url;
  if (numbers.size() > 0) o.run.seconds = std::atoi(numbers[0].c_str());
  if (numbers.size() > 1) o.run.connections = std::atoi(numbers[1].c_str());
  if (numbers.size() > 2) o.consumers = std::atoi(numbers[2].c_str());
  if (o.run.seconds < 1 || o.run.connections < 1 || o.consumers < 1)
    die("usage", "portal [seconds] [connections] [consumers] [mysql://...]");

  std::vector<std::pair<std::string, HostRun>> hosts;
  on_each_backend("portal", o.mysql_url,
                  [&](const std::string& backend, auto db, const std::string& storage_lines) {
                    hosts.emplace_back("mvne-host " + backend,
                                       measure_host(o, backend, db, storage_lines));
                  });
  WrkFigures nginx = measure_nginx(o.run, hosts.front().second.page);
  WrkFigures nginx_html = measure_nginx(o.run, hosts.front().second.html);

  std::printf(
      "portal: GET %s, %d keep-alive connections, %d s per run, %d consumers' "
      "sessions, %zu-byte answer, %u cores\n",
      kRoute, o.run.connections, o.run.seconds, o.consumers, hosts.front().second.page.size(),
      std::thread::hardware_concurrency());
  print_header();
  print_row("nginx (static file)", nginx, nullptr);
  for (const auto& [name, run] : hosts) print_row(name.c_str(), run.figures, &nginx);
  for (const auto& [name, run] : hosts) {
    std::printf("  %s: %.1f logins/s (argon2id 64 MiB, 2 passes, at most 2 at once)\n",
                name.c_str(), run.logins_per_s);
  }
  std::printf("  target: at least 0.50x of nginx with p99 under 10 ms\n");
  std::printf("portal: GET %s (the members' overview page, HTML), %zu bytes\n", kPage,
              hosts.front().second.html.size());
  print_header();
  print_row("nginx (static file)", nginx_html, nullptr);
  for (const auto& [name, run] : hosts) print_row(name.c_str(), run.page_figures, &nginx_html);
  std::printf("  target: at least 0.50x of nginx with p99 under 10 ms\n");
  return 0;
}
