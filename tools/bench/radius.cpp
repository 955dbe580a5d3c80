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

namespace {

using mvne::bench::Clock;
using mvne::bench::die;

constexpr int kTenants = 10;
constexpr int kLinesPerTenant = 100;
constexpr int kEventsPerSession = 5;  // Start, 3 x Interim-Update, Stop
constexpr double kMaxSeconds = 300;

std::string u32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string msisdn(int line) { return "8190" + std::to_string(10000000 + line); }
std::string imsi(int line) { return "44010" + std::to_string(1000000000 + line); }

// Event `step` of session `session` as an Accounting-Request with identifier `id`.
std::string request(uint8_t id, int session, int step) {
  static const uint32_t kStatus[] = {1, 3, 3, 3, 2};
  int line = session % (kTenants * kLinesPerTenant);
  std::string imsi_vsa = u32(10415) + std::string{1, static_cast<char>(2 + 15)} + imsi(line);
  uint32_t t = 1793800800u + static_cast<uint32_t>(session) * 7 + static_cast<uint32_t>(step) * 600;
  return data_sessions::radius::accounting_request(id,
                                                   {{40, u32(kStatus[step])},
                                                    {44, "bench-" + std::to_string(session)},
                                                    {1, "user" + std::to_string(line)},
                                                    {31, msisdn(line)},
                                                    {30, "internet.mvne"},
                                                    {26, imsi_vsa},
                                                    {4, u32(0x7f000001)},
                                                    {55, u32(t)},
                                                    {42, u32(static_cast<uint32_t>(step) * 100000)},
                                                    {43, u32(static_cast<uint32_t>(step) * 900000)},
                                                    {46, u32(static_cast<uint32_t>(step) * 600)}},
                                                   "testing123");
}

struct Load {
  double seconds = 0;
  size_t sent = 0, answered = 0, retransmits = 0;
  std::vector<double> latency_ms;
};

// `window` sessions in flight, numbered from `first_session`; one outstanding request per
// session; ids are slots.
Load run_load(uint16_t port, size_t requests, int window, int first_session) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  // Room for a whole window of answers arriving at once (the same for every server).
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  struct Slot {
    int session = -1, step = 0;
    std::string bytes;
    Clock::time_point sent;
  };
  std::vector<Slot> slots(static_cast<size_t>(window));
  int sessions = first_session + static_cast<int>(requests / kEventsPerSession);
  int next_session = first_session;
  Load load;
  auto send = [&](size_t i) {
    Slot& s = slots[i];
    s.bytes = request(static_cast<uint8_t>(i), s.session, s.step);
    s.sent = Clock::now();
    sendto(fd, s.bytes.data(), s.bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ++load.sent;
  };
  auto start = Clock::now();
  for (size_t i = 0; i < slots.size() && next_session < sessions; ++i) {
    slots[i].session = next_session++;
    send(i);
  }
  char buf[4096];
  size_t active = std::min<size_t>(slots.size(), static_cast<size_t>(sessions - first_session));
  while (active > 0 && mvne::bench::seconds_since(start) < kMaxSeconds) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 20 || buf[0] != data_sessions::radius::kAccountingResponse) continue;
      size_t i = static_cast<uint8_t>(buf[1]);
      if (i >= slots.size() || slots[i].session < 0) continue;
      Slot& s = slots[i];
      load.latency_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - s.sent).count());
      ++load.answered;
      if (++s.step == kEventsPerSession) {
        s.step = 0;
        s.session = next_session < sessions ? next_session++ : -1;
      }
      if (s.session >= 0) {
        send(i);
      } else {
        --active;
      }
    }
    for (size_t i = 0; i < slots.size(); ++i) {  // retransmit after 2 s without an answer
      if (slots[i].session >= 0 && mvne::bench::seconds_since(slots[i].sent) > 2.0) {
        slots[i].sent = Clock::now();
        sendto(fd, slots[i].bytes.data(), slots[i].bytes.size(), 0,
               reinterpret_cast<sockaddr*>(&to), sizeof to);
        ++load.retransmits;
      }
    }
  }
  load.seconds = mvne::bench::seconds_since(start);
  close(fd);
  return load;
}

void report(const std::string& name, int window, const Load& load, int64_t stored) {
  std::vector<double> l = load.latency_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[static_cast<size_t>(p * (l.size() - 1))]; };
  std::printf("%s, window %d:\n", name.c_str(), window);
  std::printf("  answered : %9.0f requests/s (%zu of %zu in %.2f s, %zu retransmitted)\n",
              load.answered / load.seconds, load.answered, load.sent, load.seconds,
              load.retransmits);
  if (stored >= 0)
    std::printf("  stored   : %lld accounting rows\n", static_cast<long long>(stored));
  std::printf("  latency  : p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.5),
              pct(0.9), pct(0.99), l.empty() ? 0.0 : l.back());
  std::fflush(stdout);
}

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
  auto& dir = *services->directory;
  for (int t = 0; t < kTenants; ++t) {
    std::string code = "t" + std::to_string(t);
    if (auto r = dir.add_tenant({0, code, code, "Asia/Tokyo", "/tmp", {"data_sessions"}}); !r.ok())
      die("tenant", r.status());
    if (auto r = dir.add_plan({0, code, "p", "p", 0, 0, 1, 0, 0, ""}); !r.ok())
      die("plan", r.status());
    if (auto r = dir.add_subscriber({0, code, "sub", "s", "p", "s@" + code + ".example"}); !r.ok())
      die("subscriber", r.status());
    std::vector<mvne::tenancy::LineAssignment> lines;
    for (int l = 0; l < kLinesPerTenant; ++l) {
      int line = t * kLinesPerTenant + l;
      lines.push_back({code, "sub", "", msisdn(line), imsi(line), "", 0, mvne::kForever});
    }
    if (auto r = dir.import_assignments(lines); !r.ok()) die("lines", r.status());
  }
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
    Load load = run_load(port, requests, window, first_session);
    first_session += static_cast<int>(requests / kEventsPerSession);
    report(name, window, load, count_rows(*db.value(), "rec_data_sessions_event") - before);
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
    Load load = run_load(18913, requests, window, first_session);
    first_session += static_cast<int>(requests / kEventsPerSession);
    report("FreeRADIUS 3.2 + rlm_sql, MariaDB", window, load,
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
