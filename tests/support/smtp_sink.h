// The tests' SMTP sink (smtp_sink.py on Debian's python3-aiosmtpd), as a child process on
// 127.0.0.1: every message it accepts, with its envelope, for the test to inspect.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace mvne::testing {

struct SunkMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string data;
};

class SmtpSink {
 public:
  // Accepts each message after `delay_ms` (0: at once). Throws when the sink does not start.
  explicit SmtpSink(int delay_ms = 0);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  // Every message accepted so far, in order.
  std::vector<SunkMessage> messages() const;
  // Kills the sink (the relay goes down); its port stays unanswered.
  void stop();

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace mvne::testing
