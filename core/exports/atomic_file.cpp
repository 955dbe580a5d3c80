#include "core/exports/atomic_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mvne::exports {
namespace {

std::string random_suffix() {
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

}  // namespace

StatusOr<ExportDir> ExportDir::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP || err == ENOTDIR)
      return Status::Precondition(path + ": a symbolic link or not a directory, refused");
    return Status::Unavailable("cannot open " + path + ": " + std::strerror(err));
  }
  return ExportDir(path, fd);
}

ExportDir::~ExportDir() {
  if (fd_ >= 0) ::close(fd_);
}

StatusOr<std::string> ExportDir::read(const std::string& name) const {
  int fd = ::openat(fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path_ + "/" + name + ": no such file");
    return Status::Precondition(path_ + "/" + name + ": cannot read (" + std::strerror(err) +
                                "); a symbolic link there is refused");
  }
  std::string content;
  char buf[8192];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) content.append(buf, n);
  ::close(fd);
  return content;
}

AtomicFile::AtomicFile(const ExportDir& dir, std::string name, mode_t mode)
    : dir_(dir),
      name_(std::move(name)),
      temp_("." + name_ + ".tmp-" + random_suffix()),
      mode_(mode) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlinkat(dir_.fd(), temp_.c_str(), 0);
}

Status AtomicFile::open() {
  fd_ = ::openat(dir_.fd(), temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 mode_);
  if (fd_ < 0 || ::fchmod(fd_, mode_) != 0) {
    return Status::Unavailable(dir_.path() + "/" + temp_ + ": cannot create (" +
                               std::strerror(errno) + ")");
  }
  return Status::Ok();
}

Status AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable(dir_.path() + "/" + temp_ + ": write failed");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status AtomicFile::commit() {
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return Status::Unavailable(dir_.path() + "/" + temp_ + ": sync failed");
  if (::renameat(dir_.fd(), temp_.c_str(), dir_.fd(), name_.c_str()) != 0)
    return Status::Unavailable(dir_.path() + "/" + name_ + ": rename failed");
  committed_ = true;
  ::fsync(dir_.fd());
  return Status::Ok();
}

}  // namespace mvne::exports
