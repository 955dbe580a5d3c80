// What the HTTP benchmarks share: starting and stopping processes (mvne-host, nginx), loopback
// GETs, wrk runs with a Lua script that rotates bearer tokens, and the nginx reference that
// serves the same bytes as a static file in the same run.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mvne::storage {
class Database;
}

namespace mvne::bench {

// The command line of an HTTP benchmark: its numbers in order, and a mysql:// URL anywhere
// (else MVNE_TEST_MYSQL, else none). Also ignores SIGPIPE, as a load generator must.
struct BenchArgs {
  std::vector<std::string> numbers;
  std::string mysql_url;
};
BenchArgs parse_args(int argc, char** argv);

// Calls `measure` with a fresh SQLite database ("sqlite") and, when `mysql_url` is set, a
// scratch MariaDB database ("mariadb"), each with the [storage] lines of a host config for it.
using MeasureHost =
    std::function<void(const std::string& backend, std::shared_ptr<storage::Database> db,
                       const std::string& storage_lines)>;
void on_each_backend(const std::string& bench, const std::string& mysql_url,
                     const MeasureHost& measure);
// The MariaDB half of on_each_backend alone.
void on_mariadb(const std::string& bench, const std::string& mysql_url, const MeasureHost& measure);

struct WrkFigures {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long non_2xx = 0;
  std::string socket_errors;
};

struct WrkRun {
  int connections = 64;
  int seconds = 10;
};

void write_file(const std::string& path, const std::string& text);
uint16_t free_port();
// Starts `argv` with its output in `log`; returns its pid. stop() sends SIGTERM and waits.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log);
void stop(pid_t pid);
// GET on loopback with an optional bearer token: status and body; status 0 when nothing answers.
std::pair<int, std::string> get(uint16_t port, const std::string& target,
                                const std::string& token = "");
// POST of a JSON body on loopback: status and body; status 0 when nothing answers.
std::pair<int, std::string> post(uint16_t port, const std::string& target, const std::string& body);
// Waits until `ready` or dies naming `what` after `seconds`.
void wait_until(const std::string& what, double seconds, const std::function<bool()>& ready);

// A wrk Lua script in `dir` that sends each request with the next of `tokens` as
// `Authorization: Bearer`.
std::string bearer_script(const std::string& dir, const std::vector<std::string>& tokens);
// Runs wrk (2 threads) against `url` with `script`, dies when it fails.
WrkFigures run_wrk(const WrkRun& run, const std::string& url, const std::string& script);
// nginx on loopback serving `page` as a static JSON file, measured with the same wrk run (and
// a script sending a bearer header nginx ignores, so that both parse the same request).
WrkFigures measure_nginx(const WrkRun& run, const std::string& page);

// Extra [http] lines for the host under test from MVNE_BENCH_HTTP ("max_threads=8,io_threads=1"),
// to try the front end's sizes without editing the benchmark; "" when unset.
std::string http_lines_from_env();

// One row: requests/s, p50, p99, non-2xx, and the ratio to `reference` when given.
void print_row(const char* what, const WrkFigures& f, const WrkFigures* reference);
void print_header();

}  // namespace mvne::bench
