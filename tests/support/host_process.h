// Runs the real mvne-host binary as a child process, for tests of the command line,
// signals and the whole start-up path. Output goes to files that tests can read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mvne::testing {

struct ExitResult {
  int exit_code = -1;  // -1 when it did not exit in time
  std::string out;
  std::string err;
};

// Starts `binary` with `args`, stdin from /dev/null, stdout and stderr to the files `out` and
// `err`; returns its pid (throws when it cannot fork).
pid_t spawn_process(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& out, const std::string& err);

// Runs `binary` with `args` to completion (at most `timeout_s`), stdin from /dev/null.
ExitResult run_binary(const std::string& binary, const std::vector<std::string>& args,
                      int timeout_s = 60);
// The same for mvne-host and mvnectl.
ExitResult run_host(const std::vector<std::string>& args, int timeout_s = 60);
ExitResult run_ctl(const std::vector<std::string>& args, int timeout_s = 60);

class HostProcess {
 public:
  // Starts mvne-host with `args` and waits until it prints where it listens.
  explicit HostProcess(const std::vector<std::string>& args);
  ~HostProcess();  // SIGKILL if still running

  bool started() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  void signal(int sig) const;
  // Waits for exit; returns the exit code or -1 on time-out.
  int wait(int timeout_s);
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string out_path_;
  std::string err_path_;
};

// Polls `predicate` until true or `timeout_s` passes; returns the last value.
template <typename Predicate>
bool eventually(Predicate&& predicate, int timeout_s = 20);

}  // namespace mvne::testing

#include <chrono>
#include <thread>

namespace mvne::testing {
template <typename Predicate>
bool eventually(Predicate&& predicate, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return predicate();
}
}  // namespace mvne::testing
