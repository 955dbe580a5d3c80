// cluster: what a second and third host add on a three-node Galera cluster of this machine.
// In one run: a local cluster (tools/cluster), then with 1 host (on node 1) and with 3 hosts
// (one per node), the same work: voice CDR spool files dropped into the directory the hosts
// share, timed until every line is stored once; then RADIUS accounting sessions spread over
// the hosts' sockets, `window` in flight. Prints records/s and requests/s for each, the
// scaling factor, and the cluster's own counters of the 3-host run (certification failures,
// time paused by flow control), which with the CPU say what bounds the factor.
//
// Usage: cluster [CDR lines, default 200000] [RADIUS requests, default 20000] [window, 250]
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/settings.h"
#include "core/log/log.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/cdr_world.h"
#include "tools/bench/http_bench.h"
#include "tools/bench/radius_load.h"

namespace {

namespace fs = std::filesystem;
using mvne::bench::die;

struct Figures {
  double records_per_s = 0, requests_per_s = 0;
  std::string counters;
};

// "[storage]" lines for a host on `node`, database `database`.
std::string storage_lines(const mvne::storage::StorageSettings& node, const std::string& database,
                          const std::string& password_file) {
  return "[storage]\nbackend = mysql\nhost = " + node.host +
         "\nport = " + std::to_string(node.port) + "\ndatabase = " + database +
         "\nuser = " + node.user + "\npassword_file = " + password_file + "\n";
}

// A count that has waited for what the other nodes committed (Galera applies their writes
// on this node a moment later).
int64_t count(mvne::storage::Database& db, const std::string& sql) {
  auto lease = db.acquire();
  if (!lease.ok() || !(*lease)->execute("SET SESSION wsrep_sync_wait = 1").ok()) return -1;
  auto rows = (*lease)->query(sql);
  return rows.ok() && !rows->empty() ? mvne::storage::as_int(rows.value()[0][0]) : -1;
}

// The sum over the nodes of the wsrep counters that tell contention.
std::string galera_counters(const std::vector<mvne::storage::StorageSettings>& nodes) {
  int64_t cert = 0, paused_ns = 0, retries = 0;
  for (const auto& n : nodes) {
    auto db = mvne::storage::Database::open(n);
    if (!db.ok()) continue;
    cert += count(*db.value(),
                  "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                  "WHERE VARIABLE_NAME = 'WSREP_LOCAL_CERT_FAILURES'");
    paused_ns += count(*db.value(),
                       "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                       "WHERE VARIABLE_NAME = 'WSREP_FLOW_CONTROL_PAUSED_NS'");
    retries += count(*db.value(),
                     "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                     "WHERE VARIABLE_NAME = 'WSREP_LOCAL_BF_ABORTS'");
  }
  return "certification failures " + std::to_string(cert) + ", brute-force aborts " +
         std::to_string(retries) + ", flow control paused " + std::to_string(paused_ns / 1000000) +
         " ms (all nodes, since start)";
}

Figures run(size_t hosts, const std::vector<mvne::storage::StorageSettings>& nodes, size_t lines,
            size_t requests, int window) {
  using mvne::bench::Scratch;
  mvne::bench::ScratchMysql database("mysql://" + nodes[0].user + ":" + nodes[0].password + "@" +
                                     nodes[0].host + ":" + std::to_string(nodes[0].port) + "/" +
                                     nodes[0].database);
  auto db = mvne::storage::Database::open(database.settings());
  if (!db.ok()) die("database", db.status());
  {
    auto services = mvne::platform::Services::on(db.value(), {});
    mvne::bench::seed_cdr_world(*services->directory);
    mvne::bench::seed_radius_world(*services->directory, "r", {"data_sessions"});
  }
  Scratch scratch("bench-cluster-" + std::to_string(hosts));
  const std::string dir = scratch.path();
  mvne::bench::write_file(dir + "/pw", nodes[0].password + "\n");
  fs::create_directories(dir + "/spool");
  std::vector<pid_t> pids;
  std::vector<uint16_t> http, radius;
  for (size_t i = 0; i < hosts; ++i) {
    http.push_back(mvne::bench::free_port());
    radius.push_back(mvne::bench::free_port());
    std::string config = dir + "/host" + std::to_string(i) + ".conf";
    mvne::bench::write_file(
        config,
        "[host]\nshutdown_timeout_ms = 5000\n[log]\nlevel = warn\n[http]\nlisten = "
        "127.0.0.1:" +
            std::to_string(http.back()) + "\n" +
            storage_lines(nodes[i], database.settings().database, dir + "/pw") +
            "[audit]\nkey_file = " + dir +
            "/audit.key\n[plugins]\ndir = " MVNE_PLUGIN_DIR
            "\nenabled = voice_cdr, data_sessions\n[plugin.voice_cdr]\nspool_dir = " +
            dir + "/spool\n[plugin.data_sessions]\nlisten = 127.0.0.1:" +
            std::to_string(radius.back()) + "\nclient_secrets = 127.0.0.1=testing123\n");
    pids.push_back(mvne::bench::spawn({MVNE_HOST_BINARY, "--config", config},
                                      dir + "/host" + std::to_string(i) + ".log"));
    // One at a time: the first creates the audit key the others read.
    mvne::bench::wait_until("mvne-host " + std::to_string(i + 1), 60,
                            [&] { return mvne::bench::get(http.back(), "/readyz").first == 200; });
  }
  Figures f;
  // Ingest: the files appear at once in the shared spool; done when every line is stored.
  mvne::bench::write_cdr_spool(dir + "/staged", lines, lines / 12 + 1);
  auto start = mvne::bench::Clock::now();
  for (const auto& e : fs::directory_iterator(dir + "/staged"))
    fs::rename(e.path(), dir + "/spool/" + e.path().filename().string());
  mvne::bench::wait_until("ingest", 900, [&] {
    return count(*db.value(), "SELECT COUNT(*) FROM rec_voice_cdr_cdr") ==
           static_cast<int64_t>(lines);
  });
  f.records_per_s = static_cast<double>(lines) / mvne::bench::seconds_since(start);
  std::printf("%zu host(s): ingest %9.0f records/s (%zu lines)\n", hosts, f.records_per_s, lines);
  // RADIUS: sessions spread over the hosts.
  mvne::bench::Load load = mvne::bench::run_load(radius, requests, window, 0);
  f.requests_per_s = static_cast<double>(load.answered) / load.seconds;
  mvne::bench::report_load(std::to_string(hosts) + " host(s), RADIUS", window, load,
                           count(*db.value(), "SELECT COUNT(*) FROM rec_data_sessions_event"));
  f.counters = galera_counters(nodes);
  for (pid_t pid : pids) mvne::bench::stop(pid);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  size_t lines = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  size_t requests = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20000;
  int window = argc > 3 ? std::atoi(argv[3]) : 250;
  if (lines < 12 || requests < mvne::bench::kEventsPerSession || window < 1 || window > 250) {
    std::fprintf(stderr, "usage: cluster [CDR lines] [RADIUS requests] [window 1..250]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  mvne::config::LogSettings quiet;
  quiet.level = "warn";
  (void)mvne::log::init(quiet);
  mvne::bench::Scratch scratch("bench-cluster");
  const std::string cluster = scratch.path() + "/galera";
  std::printf(
      "cluster benchmark: 3-node Galera on 127.0.0.1, %zu CDR lines, %zu RADIUS "
      "requests (window %d)\n",
      lines, requests, window);
  std::fflush(stdout);
  FILE* pipe = popen((std::string(MVNE_CLUSTER_TOOL) + " start " + cluster + " 3").c_str(), "r");
  std::vector<mvne::storage::StorageSettings> nodes;
  char line[512];
  while (pipe != nullptr && std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string url(line);
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
    if (url.rfind("mysql://", 0) != 0) continue;
    auto s = mvne::storage::settings_from_url(url);
    if (!s.ok()) die("cluster url", s.status());
    nodes.push_back(s.value());
  }
  if (pipe == nullptr || pclose(pipe) != 0 || nodes.size() != 3)
    die("tools/cluster", "the cluster did not start (see the message above)");
  Figures one = run(1, nodes, lines, requests, window);
  Figures three = run(3, nodes, lines, requests, window);
  std::printf("scaling, 3 hosts / 1 host on the same cluster:\n");
  std::printf("  ingest : %9.0f vs %9.0f records/s = %.2fx\n", three.records_per_s,
              one.records_per_s, three.records_per_s / one.records_per_s);
  std::printf("  RADIUS : %9.0f vs %9.0f requests/s = %.2fx\n", three.requests_per_s,
              one.requests_per_s, three.requests_per_s / one.requests_per_s);
  std::printf("  Galera : %s\n", three.counters.c_str());
  std::printf(
      "  this machine has 2 cores for the 3 database nodes, the hosts and the load generator: "
      "the factor shows the cost of sharing, not what more machines would add\n");
  std::fflush(stdout);
  (void)std::system((std::string(MVNE_CLUSTER_TOOL) + " stop " + cluster).c_str());
  return 0;
}
