// Passwords for mvnectl: from a file, or typed without echo.
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "tools/mvnectl/command.h"

namespace mvne::ctl {

// The first line of `path`, or of standard input (not echoed on a terminal).
StatusOr<std::string> read_password(const std::string& path) {
  std::string line;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return Status::Invalid("--password-file: cannot read " + path);
    std::getline(in, line);
    return line;
  }
  bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << "password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return Status::Invalid("no password on standard input (or give --password-file)");
  return line;
}

}  // namespace mvne::ctl
