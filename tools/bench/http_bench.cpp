#include "tools/bench/http_bench.h"

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
#include <thread>

#include "tools/bench/bench_support.h"

namespace mvne::bench {
namespace {

double to_ms(const std::string& value) {
  double v = std::atof(value.c_str());
  if (value.find("us") != std::string::npos) return v / 1000;
  if (value.find("ms") != std::string::npos) return v;
  if (value.find('s') != std::string::npos) return v * 1000;
  return v;
}

std::pair<int, std::string> request(uint16_t port, const std::string& method,
                                    const std::string& target, const std::string& token,
                                    const std::string& body) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (method == Poco::Net::HTTPRequest::HTTP_POST) {
      req.setContentType("application/json");
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::stringstream out;
    out << in.rdbuf();
    return {response.getStatus(), out.str()};
  } catch (const std::exception&) {
    return {0, ""};
  }
}

}  // namespace

BenchArgs parse_args(int argc, char** argv) {
  BenchArgs args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("mysql://", 0) == 0) {
      args.mysql_url = a;
    } else {
      args.numbers.push_back(a);
    }
  }
  if (args.mysql_url.empty() && std::getenv("MVNE_TEST_MYSQL") != nullptr)
    args.mysql_url = std::getenv("MVNE_TEST_MYSQL");
  signal(SIGPIPE, SIG_IGN);
  return args;
}

void on_each_backend(const std::string& bench, const std::string& mysql_url,
                     const MeasureHost& measure) {
  {
    Scratch scratch(bench + "-sqlite-db");
    storage::StorageSettings s;
    s.path = scratch.path() + "/mvne.db";
    auto db = storage::Database::open(s);
    if (!db.ok()) die("sqlite", db.status());
    measure("sqlite", db.value(), "[storage]\nbackend = sqlite\npath = " + s.path + "\n");
  }
  if (!mysql_url.empty()) on_mariadb(bench, mysql_url, measure);
}

void on_mariadb(const std::string& bench, const std::string& mysql_url,
                const MeasureHost& measure) {
  ScratchMysql mysql(mysql_url);
  const auto& s = mysql.settings();
  auto db = storage::Database::open(s);
  if (!db.ok()) die("mysql", db.status());
  Scratch secrets(bench + "-mysql-pw");
  std::string pw = secrets.path() + "/pw";
  write_file(pw, s.password + "\n");
  measure("mariadb", db.value(),
          "[storage]\nbackend = mysql\nhost = " + s.host + "\nport = " + std::to_string(s.port) +
              "\ndatabase = " + s.database + "\nuser = " + s.user + "\npassword_file = " + pw +
              "\n");
}

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

std::pair<int, std::string> get(uint16_t port, const std::string& target,
                                const std::string& token) {
  return request(port, Poco::Net::HTTPRequest::HTTP_GET, target, token, "");
}

std::pair<int, std::string> post(uint16_t port, const std::string& target,
                                 const std::string& body) {
  return request(port, Poco::Net::HTTPRequest::HTTP_POST, target, "", body);
}

void wait_until(const std::string& what, double seconds, const std::function<bool()>& ready) {
  Clock::time_point start = Clock::now();
  while (!ready()) {
    if (seconds_since(start) > seconds)
      die(what, "not ready after " + std::to_string(seconds) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string bearer_script(const std::string& dir, const std::vector<std::string>& tokens) {
  std::string lua = "local tokens = {\n";
  for (const auto& t : tokens) lua += "  \"" + t + "\",\n";
  lua +=
      "}\n"
      "local i = 0\n"
      "request = function()\n"
      "  i = i + 1\n"
      "  return wrk.format(\"GET\", nil, {[\"Authorization\"] = \"Bearer \" .. tokens[i % "
      "#tokens + 1]})\n"
      "end\n";
  std::string path = dir + "/tokens.lua";
  write_file(path, lua);
  return path;
}

WrkFigures run_wrk(const WrkRun& run, const std::string& url, const std::string& script) {
  std::string cmd = "wrk -t2 -c" + std::to_string(run.connections) + " -d" +
                    std::to_string(run.seconds) + "s --latency --timeout 10s -s " + script + " '" +
                    url + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) die("wrk", "cannot start: " + cmd);
  WrkFigures f;
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

WrkFigures measure_nginx(const WrkRun& run, const std::string& page) {
  Scratch scratch("bench-nginx");
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
  WrkFigures f = run_wrk(run, "http://127.0.0.1:" + std::to_string(port) + "/page.json",
                         bearer_script(scratch.path(), {"mvnes_00000000"}));
  stop(nginx);
  return f;
}

void print_header() {
  std::printf("  %-22s %11s %9s %9s %9s   %s\n", "", "requests/s", "p50 ms", "p99 ms", "non-2xx",
              "of nginx");
}

void print_row(const char* what, const WrkFigures& f, const WrkFigures* reference) {
  std::printf("  %-22s %11.0f %9.2f %9.2f %9ld", what, f.rps, f.p50_ms, f.p99_ms, f.non_2xx);
  if (reference != nullptr) std::printf("   %5.2fx", f.rps / reference->rps);
  if (!f.socket_errors.empty()) std::printf("   socket errors: %s", f.socket_errors.c_str());
  std::printf("\n");
}

std::string http_lines_from_env() {
  const char* env = std::getenv("MVNE_BENCH_HTTP");
  if (env == nullptr) return "";
  std::string lines;
  for (char c : std::string(env)) lines += c == ',' ? '\n' : c;
  return lines.empty() ? "" : lines + "\n";
}

}  // namespace mvne::bench
