// leakcheck: builds a world of MVNOs and consumers whose every identifier is a canary, runs
// the host on it (every plugin, through its real protocols: spool files, RADIUS, the tenant
// API, consumer logins and the app API, exports), moves numbers between MVNOs during the
// run, reads past the host's capacity, and scans every output for canaries its recipient
// must not see. Prints outputs checked per channel, leaks (must be 0), 503s and the time;
// exits 1 when anything leaked or failed.
//
// Usage: leakcheck [--tenants N] [--subscribers N] [--seconds N] [--clients N] [--kills N]
//                  [--db-restarts N] [mysql://...]
//        (defaults: 100 tenants x 100 subscribers, 1500 s, 32 clients, no kills, SQLite; with
//        a mysql:// URL, or MVNE_TEST_MYSQL, on MariaDB too). --kills N: the host is killed
//        with SIGKILL N times at random moments and started again; everything sent must still
//        be stored once, for its holder (the ledger). --db-restarts N: on a MariaDB server of
//        its own (tools/testdb), which is stopped N times at random moments and started again
//        5 s later; the host must answer 503 meanwhile and recover by itself.
#include <sys/wait.h>
#include <chrono>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/common/local_time.h"
#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/http_bench.h"
#include "tools/leakcheck/ledger.h"
#include "tools/leakcheck/readers.h"
#include "tools/leakcheck/traffic.h"
#include "tools/leakcheck/world.h"

namespace {

using namespace mvne::leakcheck;
using mvne::bench::die;

struct Args {
  Options options;
  std::string mysql_url;
};

Args parse(int argc, char** argv) {
  Args a;
  if (const char* url = std::getenv("MVNE_TEST_MYSQL")) a.mysql_url = url;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto number = [&](int& out, int low, int high) {
      if (i + 1 >= argc) die("usage", arg + " needs a number");
      out = std::atoi(argv[++i]);
      if (out < low || out > high)
        die("usage", arg + " must be " + std::to_string(low) + " to " + std::to_string(high));
    };
    if (arg == "--tenants") {
      number(a.options.tenants, 1, kMaxTenants - 1);
    } else if (arg == "--subscribers") {
      number(a.options.subscribers, 1, kMaxSubscribers - 1);
    } else if (arg == "--seconds") {
      number(a.options.seconds, 5, 7200);
    } else if (arg == "--kills") {
      number(a.options.kills, 0, 100);
    } else if (arg == "--db-restarts") {
      number(a.options.db_restarts, 0, 20);
    } else if (arg == "--clients") {
      number(a.options.clients, 1, 512);
    } else if (arg.rfind("mysql://", 0) == 0) {
      a.mysql_url = arg;
    } else {
      die("usage",
          "leakcheck [--tenants N] [--subscribers N] [--seconds N] [--clients N] [--kills N] "
          "[--db-restarts N] [mysql://...]");
    }
  }
  return a;
}

// Files the host refused (moved to failed/): none of the run's is bad.
size_t failed_files(const World& world) {
  size_t n = 0;
  for (const char* plugin : {"voice_cdr", "sms"}) {
    const std::string failed = world.spool(plugin) + "/failed";
    if (!std::filesystem::exists(failed)) continue;
    for (const auto& e : std::filesystem::directory_iterator(failed))
      n += e.path().extension() == ".csv" ? 1 : 0;
  }
  return n;
}

// Waits until every spool file was taken in (or `seconds` passed); the files left.
size_t drain(const World& world, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  size_t left = 0;
  do {
    left = 0;
    for (const char* plugin : {"voice_cdr", "sms"}) {
      for (const auto& e : std::filesystem::directory_iterator(world.spool(plugin)))
        left += e.is_regular_file() ? 1 : 0;
      for (const auto& e :
           std::filesystem::directory_iterator(world.spool(plugin) + "/.processing"))
        left += e.is_regular_file() ? 1 : 0;
    }
    if (left == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  return left;
}

// Waits until the sink holds at least `expected` messages (or `seconds` passed); how many
// are missing.
size_t wait_for_mail(const World& world, long expected, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  long have = 0;
  do {
    have = 0;
    for (const auto& e : std::filesystem::directory_iterator(world.mail_dir()))
      have += e.path().extension() == ".json" ? 1 : 0;
    if (have >= expected) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  return static_cast<size_t>(expected - have);
}

// Random moments of the run, `count` of them, sorted (the same for every run).
std::vector<double> moments(const Options& o, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<double> at;
  for (int k = 0; k < count; ++k)
    at.push_back(o.seconds * (0.05 + 0.85 * static_cast<double>(rng() % 1000) / 1000.0));
  std::sort(at.begin(), at.end());
  return at;
}

// Sleeps until `when` seconds after `start`; false when stopped first.
bool wait_for_moment(std::chrono::steady_clock::time_point start, double when,
                     const std::atomic<bool>& stop) {
  while (!stop && mvne::bench::seconds_since(start) < when)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return !stop;
}

// Starts mvne-host (its `run`th start) and waits until it is ready; its pid.
pid_t start_host(const World& world, int run) {
  pid_t pid = mvne::bench::spawn({MVNE_HOST_BINARY, "--config", world.config()}, world.log(run));
  mvne::bench::wait_until("mvne-host (" + world.log(run) + ")", 60, [&] {
    return mvne::bench::get(world.http_port, "/readyz").first == 200;
  });
  return pid;
}

// Kills the host with SIGKILL `kills` times at random moments of the run and starts it again
// at once; `outages` is odd while it is down.
void kill_at_random(const World& world, std::atomic<pid_t>& host, std::atomic<long>& outages,
                    const std::atomic<bool>& stop) {
  const auto start = std::chrono::steady_clock::now();
  int run = 0;
  for (double when : moments(world.options, world.options.kills, 37)) {
    if (!wait_for_moment(start, when, stop)) return;
    ++outages;
    ::kill(host.load(), SIGKILL);
    int status = 0;
    waitpid(host.load(), &status, 0);
    host = start_host(world, ++run);
    ++outages;
    std::printf("  killed the host (kill -9) at %.1f s and started it again\n", when);
    std::fflush(stdout);
  }
}

// Runs tools/testdb with `verb` on the database server of `dir`; its first line of output.
std::string testdb(const std::string& verb, const std::string& dir) {
  const std::string command = std::string(MVNE_TESTDB) + " " + verb + " " + dir;
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) die("testdb", command);
  char line[512] = "";
  if (std::fgets(line, sizeof line, out) == nullptr) line[0] = 0;
  while (std::fgetc(out) != EOF) {
  }
  if (pclose(out) != 0) die("testdb", command + " failed");
  std::string text = line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Stops the database server of `dir` `restarts` times at random moments of the run and
// starts it again 5 s later; prints how long the host took to be ready again (it must
// recover by itself, without a restart).
void restart_database(const World& world, const std::string& dir, const std::atomic<bool>& stop) {
  const auto start = std::chrono::steady_clock::now();
  for (double when : moments(world.options, world.options.db_restarts, 41)) {
    if (!wait_for_moment(start, when, stop)) return;
    testdb("halt", dir);
    std::this_thread::sleep_for(std::chrono::seconds(5));
    testdb("resume", dir);
    const auto back = std::chrono::steady_clock::now();
    mvne::bench::wait_until("mvne-host ready after the database came back", 60, [&] {
      return mvne::bench::get(world.http_port, "/readyz").first == 200;
    });
    std::printf(
        "  stopped the database at %.1f s for 5 s; the host was ready again %.1f s after it "
        "came back\n",
        when, mvne::bench::seconds_since(back));
    std::fflush(stdout);
  }
}

// On errors: the host's own warning and error lines (up to 20), so a failed run in CI says
// why, though its scratch directory is gone once it ends.
void print_host_problems(const World& world) {
  int shown = 0;
  for (int run = 0; std::filesystem::exists(world.log(run)) && shown < 20; ++run) {
    std::ifstream in(world.log(run));
    for (std::string line; std::getline(in, line) && shown < 20;) {
      if (line.find("[warn]") == std::string::npos && line.find("[error]") == std::string::npos)
        continue;
      std::printf("  host-%d.log: %s\n", run, line.substr(0, 400).c_str());
      ++shown;
    }
  }
}

// One run on one backend; true when nothing leaked and nothing failed.
bool run(const Args& args, const std::string& backend, std::shared_ptr<mvne::storage::Database> db,
         const std::string& storage_lines, const std::string& db_dir) {
  const Options& o = args.options;
  mvne::bench::Scratch scratch("leakcheck-" + backend);
  const auto started = std::chrono::steady_clock::now();
  std::printf(
      "leakcheck on %s: %d tenants x %d subscribers, %d s of traffic, %d readers, "
      "%d kill(s), %d database restart(s)\n",
      backend.c_str(), o.tenants, o.subscribers, o.seconds, o.clients, o.kills, o.db_restarts);
  std::fflush(stdout);
  World world = build_world(o, scratch.path(), db, storage_lines);
  std::printf("  world built in %.1f s (%s)\n", mvne::bench::seconds_since(started),
              scratch.path().c_str());
  std::atomic<pid_t> host = start_host(world, 0);
  auto services = mvne::platform::Services::on(db, mvne::config::NumberingConfig{});
  Ownership ownership;
  Tally tally;
  Traffic traffic(world, services.get(), &ownership);
  traffic.start();
  std::atomic<bool> stop{false};
  std::atomic<long> outages{0};
  std::vector<std::thread> readers;
  for (int c = 0; c < o.clients; ++c)
    readers.emplace_back([&, c] { read_http(world, ownership, tally, stop, outages, 1000u + c); });
  std::thread killer([&] { kill_at_random(world, host, outages, stop); });
  std::thread restarter([&] {
    if (!db_dir.empty()) restart_database(world, db_dir, stop);
  });
  const auto run_start = std::chrono::steady_clock::now();
  for (int s = 0; s < o.seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if ((s + 1) % 10 == 0 || s + 1 == o.seconds) {
      std::printf("  %4d s: %ld outputs checked, %ld leaks, %ld errors\n", s + 1, tally.outputs(),
                  tally.leaks(), tally.errors());
      std::fflush(stdout);
    }
  }
  stop = true;
  killer.join();
  restarter.join();
  for (auto& r : readers) r.join();
  traffic.stop();
  const double read_seconds = mvne::bench::seconds_since(run_start);
  const size_t left = drain(world, 120);
  const std::string today = mvne::local_date("Asia/Tokyo", mvne::now_us()).value();
  export_and_scan(world, ownership, tally, {"2026-11-10", "2026-11-20", today});
  const size_t unsent = wait_for_mail(world, traffic.counts().resets, 60);
  mvne::bench::stop(host.load());
  mvne::bench::stop(world.mail_sink);
  scan_log(world, tally);
  scan_mail(world, ownership, tally);

  const auto& t = traffic.counts();
  std::printf("leakcheck on %s: %.0f s in all, %.0f s of traffic and reads\n", backend.c_str(),
              mvne::bench::seconds_since(started), read_seconds);
  std::printf(
      "  sent: %ld calls, %ld messages (spool files), %ld RADIUS requests (%ld "
      "answered), %ld numbers moved to another MVNO (%ld refused), %ld password resets "
      "mailed (%ld refused), %ld mistaken merges refused (%ld went through)\n",
      t.calls.load(), t.messages.load(), t.radius_sent.load(), t.radius_answered.load(),
      t.moves.load(), t.moves_refused.load(), t.resets.load(), t.resets_failed.load(),
      t.merges_refused.load(), t.merges_done.load());
  if (left > 0) std::printf("  spool files not taken in after 120 s: %zu\n", left);
  const size_t refused = failed_files(world);
  if (refused > 0) std::printf("  spool files refused (in failed/): %zu\n", refused);
  if (unsent > 0) std::printf("  reset mails not at the sink after 60 s: %zu\n", unsent);
  tally.print();
  if (tally.errors() > 0) print_host_problems(world);
  const bool ledger = check_ledger(*db, t);
  std::printf("  %ld outputs checked, %ld leaks, %ld errors\n", tally.outputs(), tally.leaks(),
              tally.errors());
  std::fflush(stdout);
  return tally.leaks() == 0 && tally.errors() == 0 && left == 0 && refused == 0 && unsent == 0 &&
         t.resets_failed == 0 && t.moves_refused == 0 && t.merges_done == 0 &&
         t.merges_failed == 0 && ledger;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  signal(SIGPIPE, SIG_IGN);  // as a load generator must
  bool clean = true;
  if (args.options.db_restarts > 0) {
    // A server of its own to stop and start: MariaDB alone.
    mvne::bench::Scratch server("leakcheck-dbserver");  // not the run's own scratch (removed first)
    const std::string dir = server.path() + "/server";
    const std::string url = testdb("start", dir);
    mvne::bench::on_mariadb("leakcheck", url,
                            [&](const std::string& backend, auto db, const std::string& lines) {
                              clean = run(args, backend, db, lines, dir) && clean;
                            });
    testdb("stop", dir);
  } else {
    mvne::bench::on_each_backend(
        "leakcheck", args.mysql_url,
        [&](const std::string& backend, auto db, const std::string& storage_lines) {
          clean = run(args, backend, db, storage_lines, "") && clean;
        });
  }
  std::printf(clean ? "leakcheck: no leak\n" : "leakcheck: FAILED\n");
  return clean ? 0 : 1;
}
