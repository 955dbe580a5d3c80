// The log file: appended to with one write(2) per line, created owner-only (0600) whatever
// the umask, never through a symbolic link, and reopened by name on request so that
// logrotate can move it away (the host reopens on SIGUSR1).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>

#include "core/common/status.h"

namespace mvne::log {

class FileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Opens `path` for appending; errors name the file.
  static StatusOr<std::shared_ptr<FileSink>> open(const std::string& path);
  ~FileSink() override;

  // Opens the file by its name again and writes there from the next line on. On failure
  // the old file is kept and the reason returned.
  Status reopen();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  FileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string path_;
  int fd_;  // guarded by base_sink::mutex_
};

}  // namespace mvne::log
