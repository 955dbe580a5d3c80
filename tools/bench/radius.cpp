// radius: RADIUS Accounting-Requests per second answered (each answered only once stored),
// with latency percentiles, against mvne-host's data_sessions plugin on SQLite and MariaDB,
// and in the same run, as the reference, against FreeRADIUS 3.2 with rlm_sql writing into
// the same MariaDB server (tools/bench/freeradius-reference). The load generator runs on
// loopback with a bounded count, window and time: each session sends Start, 3 Interims and
// Stop in order, `window` sessions in flight. Each server is measured at every window given
// (a gateway fleet keeps many sessions in flight; a group commit needs some to fill its
// batches), and the ratio is printed per window and for the best window of each.
//
// Usage: radius [requests per window, default 20000] [windows, default 32,250]
//               [mysql://user:pw@host:port/db]   (the URL may also come from MVNE_TEST_MYSQL)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <signal.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/ingest/datagram_hub.h"
#include "core/log/log.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"
#include "plugins/data_sessions/radius.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/radius_load.h"

namespace {

using mvne::bench::die;
using mvne::bench::kEventsPerSession;
using mvne::bench::Load;
using mvne::bench::run_load;

// Counts the rows of `table` (-1 when unreadable).
int64_t count_rows(mvne::storage::Database& db, const std::string& table) {
  auto rows = db.query("SELECT COUNT(*) FROM " + table);
  return rows.ok() ? mvne::storage::as_int(rows.value()[0][0]) : -1;
}

// Requests/s answered at each window.
std::vector<double> host_run(const std::string& name, const mvne::storage::StorageSettings& storage,
                             size_t requests, const std::vector<int>& windows) {
  auto db = mvne::storage::Database::open(storage);
  if (!db.ok()) die("open", db.status());
  auto settings = mvne::config::parse_settings(
      "", "bench", "/",
      {std::string("plugins.dir=") + MVNE_PLUGIN_DIR, "plugins.enabled=data_sessions",
       "plugin.data_sessions.listen=127.0.0.1:0",
       "plugin.data_sessions.client_secrets=127.0.0.1=testing123", "log.level=warn"});
  if (!settings.ok()) die("settings", settings.status());
  (void)mvne::log::init(settings->log);
  auto services = mvne::platform::Services::on(db.value(), settings->numbering);
  mvne::bench::seed_radius_world(*services->directory, "t", {"data_sessions"});
  mvne::metrics::Metrics metrics;
  mvne::plugin::PluginManager plugins(&metrics, services.get());
  if (auto st = plugins.apply(settings.value(), std::chrono::seconds(5));
      !st.ok() || !plugins.all_running()) {
    die("plugins", "data_sessions did not start");
  }
  uint16_t port = 0;
  for (const auto& p : plugins.running()) {
    for (const auto& d : p->registrations().datagrams) {
      port = mvne::ingest::bound_port(
          *std::static_pointer_cast<mvne::ingest::DatagramHub::Listener>(d.listener));
    }
  }
  std::vector<double> rates;
  int first_session = 0;
  for (int window : windows) {
    int64_t before = count_rows(*db.value(), "rec_data_sessions_event");
    Load load = run_load({port}, requests, window, first_session);
    first_session += static_cast<int>(requests / kEventsPerSession);
    mvne::bench::report_load(name, window, load,
                             count_rows(*db.value(), "rec_data_sessions_event") - before);
    rates.push_back(load.answered / load.seconds);
  }
  plugins.stop_all(std::chrono::seconds(5));
  return rates;
}

// "32,250" -> {32, 250}; empty when malformed or out of 1..250.
std::vector<int> parse_windows(const std::string& text) {
  std::vector<int> out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    char* end = nullptr;
    long w = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || w < 1 || w > 250) return {};
    out.push_back(static_cast<int>(w));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t requests = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  std::vector<int> windows = parse_windows(argc > 2 ? argv[2] : "32,250");
  const char* url = argc > 3 ? argv[3] : std::getenv("MVNE_TEST_MYSQL");
  if (requests < kEventsPerSession || windows.empty()) {
    std::fprintf(stderr,
                 "usage: radius [requests per window] [windows: 1..250, comma-separated] "
                 "[mysql://user:pw@host:port/db]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  mvne::bench::Scratch scratch("bench-radius");
  std::printf(
      "radius benchmark: %zu Accounting-Requests per window (%zu sessions x %d), loopback\n",
      requests, requests / kEventsPerSession, kEventsPerSession);
  mvne::storage::StorageSettings sqlite;
  sqlite.path = scratch.path() + "/radius.db";
  host_run("mvne-host data_sessions, SQLite", sqlite, requests, windows);
  if (url == nullptr || *url == '\0') {
    std::printf(
        "MariaDB and the FreeRADIUS reference: skipped (give a mysql:// URL or set "
        "MVNE_TEST_MYSQL)\n");
    return 0;
  }
  std::vector<double> ours;
  {
    mvne::bench::ScratchMysql mysql(url);
    ours = host_run("mvne-host data_sessions, MariaDB", mysql.settings(), requests, windows);
  }
  mvne::bench::ScratchMysql reference(url);
  const auto& m = reference.settings();
  std::string cmd = std::string(MVNE_TOOLS_DIR) + "/freeradius-reference " + scratch.path() +
                    "/freeradius 18912 " + m.host + " " + std::to_string(m.port) + " " + m.user +
                    " '" + m.password + "' " + m.database;
  FILE* pipe = popen(cmd.c_str(), "r");
  int pid = 0;
  if (pipe == nullptr || std::fscanf(pipe, "%d", &pid) != 1 || pclose(pipe) != 0 || pid <= 0) {
    std::printf("FreeRADIUS reference: not run (see the message above)\n");
    return 0;
  }
  auto db = mvne::storage::Database::open(m);
  if (!db.ok()) die("reference database", db.status());
  std::vector<double> theirs;
  int first_session = 0;
  for (int window : windows) {
    int64_t before = count_rows(*db.value(), "radacct");
    Load load = run_load({18913}, requests, window, first_session);
    first_session += static_cast<int>(requests / kEventsPerSession);
    mvne::bench::report_load("FreeRADIUS 3.2 + rlm_sql, MariaDB", window, load,
                             count_rows(*db.value(), "radacct") - before);
    theirs.push_back(load.answered / load.seconds);
  }
  kill(pid, SIGTERM);
  std::printf("ratio (MariaDB, mvne-host / FreeRADIUS):\n");
  for (size_t i = 0; i < windows.size(); ++i)
    std::printf("  window %3d: %.2fx\n", windows[i], ours[i] / theirs[i]);
  std::printf("  best of each: %.0f vs %.0f requests/s = %.2fx (target 2x)\n",
              *std::max_element(ours.begin(), ours.end()),
              *std::max_element(theirs.begin(), theirs.end()),
              *std::max_element(ours.begin(), ours.end()) /
                  *std::max_element(theirs.begin(), theirs.end()));
  return 0;
}
