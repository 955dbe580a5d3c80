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
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"

namespace {

using mvne::bench::Clock;
using mvne::bench::die;
using mvne::bench::seconds_since;

struct Options {
  int seconds = 10;
  int connections = 64;
  int tenants = 24;
  int page = 20;
  std::string mysql_url;
};

struct Figures {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long non_2xx = 0;
  std::string socket_errors;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) die("write", path);
}

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    die("port", "cannot bind a loopback port");
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts `argv` with its output in `log`; returns its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork", "failed");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

// GET on loopback: status and body; status 0 when nothing answers.
std::pair<int, std::string> get(uint16_t port, const std::string& target,
                                const std::string& token = "") {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::stringstream body;
    body << in.rdbuf();
    return {response.getStatus(), body.str()};
  } catch (const std::exception&) {
    return {0, ""};
  }
}

void wait_until(const std::string& what, double seconds, const std::function<bool()>& ready) {
  Clock::time_point start = Clock::now();
  while (!ready()) {
    if (seconds_since(start) > seconds)
      die(what, "not ready after " + std::to_string(seconds) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

double to_ms(const std::string& value) {
  double v = std::atof(value.c_str());
  if (value.find("us") != std::string::npos) return v / 1000;
  if (value.find("ms") != std::string::npos) return v;
  if (value.find('s') != std::string::npos) return v * 1000;
  return v;
}

// Runs wrk with `script` against `url` and reads its figures.
Figures run_wrk(const Options& o, const std::string& url, const std::string& script) {
  std::string cmd = "wrk -t2 -c" + std::to_string(o.connections) + " -d" +
                    std::to_string(o.seconds) + "s --latency --timeout 10s -s " + script + " '" +
                    url + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) die("wrk", "cannot start: " + cmd);
  Figures f;
  char line[512];
  std::string all;
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string s(line);
    all += s;
    std::istringstream words(s);
    std::string first, second;
    words >> first >> second;
    if (first == "50%") f.p50_ms = to_ms(second);
    if (first == "99%") f.p99_ms = to_ms(second);
    if (first == "Requests/sec:") f.rps = std::atof(second.c_str());
    if (s.find("Non-2xx or 3xx responses:") != std::string::npos)
      f.non_2xx = std::atol(s.substr(s.find(':') + 1).c_str());
    if (s.find("Socket errors:") != std::string::npos) {
      f.socket_errors = s.substr(s.find(':') + 2);
      f.socket_errors.pop_back();
    }
  }
  if (pclose(pipe) != 0 || f.rps == 0) die("wrk", "failed:\n" + all);
  return f;
}

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

std::string wrk_script(const std::string& dir, const std::vector<std::string>& keys) {
  std::string lua = "local keys = {\n";
  for (const auto& k : keys) lua += "  \"" + k + "\",\n";
  lua +=
      "}\n"
      "local i = 0\n"
      "request = function()\n"
      "  i = i + 1\n"
      "  return wrk.format(\"GET\", nil, {[\"Authorization\"] = \"Bearer \" .. keys[i % #keys + "
      "1]})\n"
      "end\n";
  std::string path = dir + "/keys.lua";
  write_file(path, lua);
  return path;
}

struct HostRun {
  Figures figures;
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
                 std::to_string(port) + "\n" + storage_lines +
                 "pool_size = " + std::to_string(std::min(o.connections, 256)) + "\n" +
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
  run.figures = run_wrk(o, "http://127.0.0.1:" + std::to_string(port) + target,
                        wrk_script(scratch.path(), keys));
  stop(host);
  return run;
}

Figures measure_nginx(const Options& o, const std::string& page) {
  mvne::bench::Scratch scratch("tenant-api-nginx");
  std::filesystem::create_directories(scratch.path() + "/www");
  std::filesystem::create_directories(scratch.path() + "/tmp");
  write_file(scratch.path() + "/www/page.json", page);
  uint16_t port = free_port();
  std::string user = geteuid() == 0 ? "user root;\n" : "";
  std::string conf = scratch.path() + "/nginx.conf";
  write_file(conf, user + "daemon off;\nworker_processes auto;\npid " + scratch.path() +
                       "/nginx.pid;\nerror_log " + scratch.path() +
                       "/error.log warn;\nevents { worker_connections 4096; }\n"
                       "http {\n  access_log off;\n  keepalive_requests 1000;\n"
                       "  client_body_temp_path " +
                       scratch.path() +
                       "/tmp;\n"
                       "  server {\n    listen 127.0.0.1:" +
                       std::to_string(port) + ";\n    root " + scratch.path() +
                       "/www;\n    default_type application/json;\n  }\n}\n");
  pid_t nginx =
      spawn({"nginx", "-e", scratch.path() + "/error.log", "-p", scratch.path(), "-c", conf},
            scratch.path() + "/nginx.out");
  wait_until("nginx", 10, [&] { return get(port, "/page.json").first == 200; });
  if (get(port, "/page.json").second != page) die("nginx", "serves other bytes than the page");
  // The same script: nginx ignores the Authorization header, but parses it like the host.
  Figures f = run_wrk(o, "http://127.0.0.1:" + std::to_string(port) + "/page.json",
                      wrk_script(scratch.path(), {"mvne_00000000.0"}));
  stop(nginx);
  return f;
}

void print(const char* what, const Figures& f, const Figures* reference) {
  std::printf("  %-22s %11.0f %9.2f %9.2f %9ld", what, f.rps, f.p50_ms, f.p99_ms, f.non_2xx);
  if (reference != nullptr) std::printf("   %5.2fx", f.rps / reference->rps);
  if (!f.socket_errors.empty()) std::printf("   socket errors: %s", f.socket_errors.c_str());
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> numbers;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("mysql://", 0) == 0) {
      o.mysql_url = a;
    } else {
      numbers.push_back(a);
    }
  }
  if (numbers.size() > 0) o.seconds = std::atoi(numbers[0].c_str());
  if (numbers.size() > 1) o.connections = std::atoi(numbers[1].c_str());
  if (numbers.size() > 2) o.tenants = std::atoi(numbers[2].c_str());
  if (numbers.size() > 3) o.page = std::atoi(numbers[3].c_str());
  if (o.seconds < 1 || o.connections < 1 || o.tenants < 1 || o.page < 1 || o.page > 59)
    die("usage",
        "tenant_api [seconds] [connections] [tenants] [records per page, 1 to 59] [mysql://...]");
  if (o.mysql_url.empty() && std::getenv("MVNE_TEST_MYSQL") != nullptr)
    o.mysql_url = std::getenv("MVNE_TEST_MYSQL");
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::pair<std::string, HostRun>> hosts;
  {
    mvne::bench::Scratch scratch("tenant-api-sqlite-db");
    mvne::storage::StorageSettings s;
    s.path = scratch.path() + "/mvne.db";
    auto db = mvne::storage::Database::open(s);
    if (!db.ok()) die("sqlite", db.status());
    hosts.emplace_back("mvne-host sqlite",
                       measure_host(o, "sqlite", db.value(),
                                    "[storage]\nbackend = sqlite\npath = " + s.path + "\n"));
  }
  if (!o.mysql_url.empty()) {
    mvne::bench::ScratchMysql mysql(o.mysql_url);
    const auto& s = mysql.settings();
    auto db = mvne::storage::Database::open(s);
    if (!db.ok()) die("mysql", db.status());
    mvne::bench::Scratch secrets("tenant-api-mysql-pw");
    std::string pw = secrets.path() + "/pw";
    write_file(pw, s.password + "\n");
    hosts.emplace_back("mvne-host mariadb",
                       measure_host(o, "mariadb", db.value(),
                                    "[storage]\nbackend = mysql\nhost = " + s.host + "\nport = " +
                                        std::to_string(s.port) + "\ndatabase = " + s.database +
                                        "\nuser = " + s.user + "\npassword_file = " + pw + "\n"));
  }
  Figures nginx = measure_nginx(o, hosts.front().second.page);

  std::printf(
      "tenant_api: %d keep-alive connections, %d s per run, %d tenants' keys, a page of "
      "%d records (%zu bytes), %u cores, storage.pool_size %d\n",
      o.connections, o.seconds, o.tenants, o.page, hosts.front().second.page.size(),
      std::thread::hardware_concurrency(), std::min(o.connections, 256));
  std::printf("  %-22s %11s %9s %9s %9s   %s\n", "", "requests/s", "p50 ms", "p99 ms", "non-2xx",
              "of nginx");
  print("nginx (static file)", nginx, nullptr);
  for (const auto& [name, run] : hosts) print(name.c_str(), run.figures, &nginx);
  std::printf("  target: at least 0.30x of nginx with p99 under 20 ms\n");
  return 0;
}
