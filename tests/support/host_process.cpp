#include "tests/support/host_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

std::string unique_path(const char* what) {
  static int counter = 0;
  return "/tmp/mvne-host-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "." +
         what;
}


int wait_for(pid_t pid, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

pid_t spawn_process(const std::string& binary, const std::vector<std::string>& args, const std::string& out,
            const std::string& err) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

ExitResult run_host(const std::vector<std::string>& args, int timeout_s) {
  return run_binary(MVNE_HOST_BINARY, args, timeout_s);
}

ExitResult run_ctl(const std::vector<std::string>& args, int timeout_s) {
  return run_binary(MVNE_CTL_BINARY, args, timeout_s);
}

ExitResult run_binary(const std::string& binary, const std::vector<std::string>& args,
                      int timeout_s) {
  std::string out = unique_path("out"), err = unique_path("err");
  pid_t pid = spawn_process(binary, args, out, err);
  ExitResult result;
  result.exit_code = wait_for(pid, timeout_s);
  if (result.exit_code == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  result.out = read_file(out);
  result.err = read_file(err);
  unlink(out.c_str());
  unlink(err.c_str());
  return result;
}

HostProcess::HostProcess(const std::vector<std::string>& args)
    : out_path_(unique_path("out")), err_path_(unique_path("err")) {
  pid_ = spawn_process(MVNE_HOST_BINARY, args, out_path_, err_path_);
  std::regex listening(R"(listening on http://[0-9.]+:([0-9]+))");
  eventually(
      [&] {
        std::smatch m;
        std::string out = read_file(out_path_);
        if (std::regex_search(out, m, listening)) port_ = static_cast<uint16_t>(std::stoi(m[1]));
        int status = 0;
        if (port_ == 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;  // exited before listening
          return true;
        }
        return port_ != 0;
      },
      30);
}

HostProcess::~HostProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  unlink(out_path_.c_str());
  unlink(err_path_.c_str());
}

void HostProcess::signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int HostProcess::wait(int timeout_s) {
  if (pid_ <= 0) return -1;
  int code = wait_for(pid_, timeout_s);
  if (code != -1) pid_ = -1;
  return code;
}

std::string HostProcess::out() const { return read_file(out_path_); }
std::string HostProcess::err() const { return read_file(err_path_); }

}  // namespace mvne::testing
