#include "tests/support/postfix_instance.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {
namespace {

const std::string kScript = std::string(MVNE_SOURCE_DIR) + "/tools/postfix-instance";

}  // namespace

PostfixInstance::PostfixInstance(uint16_t port, const std::string& relayhost, const PostfixFilter& filter)
    : port_(port) {
  static std::atomic<int> n{0};
  // Not under a mode-700 temporary directory: Postfix's daemons run as the postfix user.
  dir_ = "/tmp/mvne-test-postfix-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
  std::vector<std::string> args = {"start", dir_, "--port", std::to_string(port), "--relayhost",
                                   relayhost};
  if (!filter.address.empty()) {
    args.insert(args.end(), {"--filter", filter.address, "--reinject-port",
                             std::to_string(filter.reinject_port)});
  }
  ExitResult r = run_binary(kScript, args, 60);
  if (r.exit_code != 0) {
    run_binary(kScript, {"stop", dir_}, 30);
    throw std::runtime_error("postfix did not start: " + r.err + r.out);
  }
}

PostfixInstance::~PostfixInstance() {
  run_binary(kScript, {"stop", dir_}, 30);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostfixInstance::log() const { return read_file(dir_ + "/maillog"); }

}  // namespace mvne::testing
