#include "tests/support/smtp_sink.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tests/support/host_process.h"

namespace mvne::testing {

namespace fs = std::filesystem;

SmtpSink::SmtpSink(int delay_ms) {
  fs::create_directories(dir_.path() + "/mail");
  pid_ = spawn_process("/usr/bin/python3",
                       {std::string(MVNE_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                        dir_.path() + "/mail", std::to_string(delay_ms)},
                       dir_.path() + "/out", dir_.path() + "/err");
  eventually([&] { return !read_file(dir_.path() + "/out").empty(); }, 20);
  std::string out = read_file(dir_.path() + "/out");
  if (out.empty() || (port_ = static_cast<uint16_t>(std::stoi(out))) == 0) {
    stop();
    throw std::runtime_error("the SMTP sink did not start (python3-aiosmtpd installed?): " +
                             read_file(dir_.path() + "/err"));
  }
}

SmtpSink::~SmtpSink() { stop(); }

void SmtpSink::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::vector<SunkMessage> SmtpSink::messages() const {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir_.path() + "/mail"))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<SunkMessage> out;
  for (const auto& f : files) {
    auto j = nlohmann::json::parse(read_file(f));
    out.push_back({j["mail_from"], j["rcpt_tos"].get<std::vector<std::string>>(), j["data"]});
  }
  return out;
}

}  // namespace mvne::testing
