#include "tools/leakcheck/world.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/http_bench.h"
#include "tools/leakcheck/canaries.h"

namespace mvne::leakcheck {

using bench::die;

std::string World::password(int t, int s) const { return "pw " + account(t, s); }
std::string World::exports(int t) const { return dir + "/exports/" + tenant_code(t); }

CtlResult run_mvnectl(const World& world, const std::vector<std::string>& args) {
  static std::atomic<long> calls{0};
  const std::string out = world.dir + "/mvnectl-" + std::to_string(++calls) + ".out";
  std::vector<std::string> argv = {MVNE_CTL_BINARY, "--config", world.config()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = bench::spawn(argv, out);
  int status = 0;
  waitpid(pid, &status, 0);
  CtlResult r{WIFEXITED(status) ? WEXITSTATUS(status) : 128, ""};
  {
    std::ifstream in(out);
    std::ofstream log(world.ctl_log(), std::ios::app);
    for (std::string line; std::getline(in, line);) {
      log << line << "\n";
      if (!line.empty()) r.last_line = line;
    }
  }
  std::filesystem::remove(out);
  return r;
}

namespace {

// Starts the SMTP sink into the world's mail directory; its port.
uint16_t start_mail_sink(World& w) {
  std::filesystem::create_directories(w.mail_dir());
  const std::string out = w.dir + "/mail-sink.out";
  // Debian's python3 (python3-aiosmtpd), through the script's own first line.
  w.mail_sink = bench::spawn({MVNE_SMTP_SINK, w.mail_dir()}, out);
  std::string port;
  bench::wait_until("the SMTP sink (" + out + ")", 20, [&] {
    std::ifstream in(out);
    return std::getline(in, port) && !port.empty() &&
           port.find_first_not_of("0123456789") == std::string::npos;
  });
  return static_cast<uint16_t>(std::stoi(port));
}

}  // namespace

World build_world(const Options& o, const std::string& dir, std::shared_ptr<storage::Database> db,
                  const std::string& storage_lines) {
  World w;
  w.options = o;
  w.dir = dir;
  w.http_port = bench::free_port();
  w.radius_port = bench::free_port();
  const uint16_t mail_port = start_mail_sink(w);
  config::PortalSettings portal;
  portal.hash_memory_kib = 256;  // cheap hashes: ten thousand consumers log in
  portal.hash_passes = 1;
  auto services = platform::Services::on(db, config::NumberingConfig{}, nullptr, portal);
  auto& dir_ = *services->directory;
  const int64_t expiry = now_us() + int64_t{7} * 86400 * 1000000;
  const int64_t since = parse_time_us("2026-01-01").value();
  const std::vector<std::string> plugins = {"voice_cdr", "sms", "data_sessions", "portal"};
  for (int t = 0; t < o.tenants; ++t) {
    const std::string code = tenant_code(t);
    std::filesystem::create_directories(w.exports(t));
    if (auto r = dir_.add_tenant(
            {0, code, "MVNO " + std::to_string(t), "Asia/Tokyo", w.exports(t), plugins});
        !r.ok())
      die("tenant " + code, r.status());
    if (auto r = dir_.add_plan({0, code, "basic", "Basic", 2'000'000, 20, 1, 3, 1, ""}); !r.ok())
      die("plan", r.status());
    std::vector<tenancy::LineAssignment> lines;
    for (int s = 0; s < o.subscribers; ++s) {
      if (auto r = dir_.add_subscriber(
              {0, code, account(t, s), "svc-" + std::to_string(t), "basic", email(t, s)});
          !r.ok())
        die("subscriber", r.status());
      lines.push_back({code, account(t, s), "", msisdn(t, s), imsi(t, s), "", since, kForever});
      auto consumer = services->consumers->find(code, account(t, s));
      if (!consumer.ok()) die("consumer", consumer.status());
      if (Status st = services->consumers->set_password(*consumer, w.password(t, s), now_us());
          !st.ok())
        die("password", st);
    }
    if (auto r = dir_.import_assignments(lines); !r.ok()) die("lines", r.status());
    auto key = services->keys->create(code, "leakcheck", expiry);
    if (!key.ok()) die("api key", key.status());
    w.keys.push_back(key->token);
  }
  for (const char* plugin : {"voice_cdr", "sms"})
    std::filesystem::create_directories(w.spool(plugin));
  // Small pools and queues: the readers run the host past its capacity (503s are counted).
  bench::write_file(
      w.config(), std::string("[host]\nshutdown_timeout_ms = 5000\n[log]\nlevel = info\n") +
                      "[http]\nlisten = 127.0.0.1:" + std::to_string(w.http_port) +
                      "\nmax_threads = 16\nmax_queued = 32\n" + storage_lines +
                      "pool_size = 8\nmax_connections = 12\nacquire_timeout_ms = 200\n"
                      "[audit]\nkey_file = audit.key\n"
                      "[mail]\nrelay = 127.0.0.1:" +
                      std::to_string(mail_port) + "\nstarttls = off\n" +
                      "[portal]\nhash_memory_kib = 256\nhash_passes = 1\n"
                      "[plugins]\ndir = " MVNE_PLUGIN_DIR
                      "\nenabled = voice_cdr, sms, data_sessions, portal\n"
                      "[plugin.voice_cdr]\nspool_dir = " +
                      w.spool("voice_cdr") + "\n" + "[plugin.sms]\nspool_dir = " + w.spool("sms") +
                      "\n" + "[plugin.data_sessions]\nlisten = 127.0.0.1:" +
                      std::to_string(w.radius_port) + "\nclient_secrets = 127.0.0.1=testing123\n");
  return w;
}

}  // namespace mvne::leakcheck
