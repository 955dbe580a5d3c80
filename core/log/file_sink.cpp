#include "core/log/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/common/private_files.h"

namespace mvne::log {
namespace {

constexpr mode_t kLogMode = 0600;

StatusOr<int> open_log(const std::string& path) {
  return files::open_private(path, O_WRONLY | O_APPEND, kLogMode);
}

}  // namespace

StatusOr<std::shared_ptr<FileSink>> FileSink::open(const std::string& path) {
  auto fd = open_log(path);
  if (!fd.ok()) return fd.status();
  return std::shared_ptr<FileSink>(new FileSink(path, fd.value()));
}

FileSink::~FileSink() { ::close(fd_); }

Status FileSink::reopen() {
  auto fd = open_log(path_);
  if (!fd.ok()) return fd.status();
  std::lock_guard<std::mutex> lock(mutex_);
  ::close(fd_);
  fd_ = fd.value();
  return Status::Ok();
}

void FileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  const char* data = formatted.data();
  size_t left = formatted.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses the line, never the process
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace mvne::log
