#include "core/common/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mvne::files {
namespace {

std::string reason(int err) { return std::strerror(err); }

}  // namespace

Status create_dirs(const std::filesystem::path& dir, mode_t mode) {
  std::vector<std::filesystem::path> missing;
  std::filesystem::path at = dir.lexically_normal();
  while (!at.empty()) {
    struct stat st {};
    if (::lstat(at.c_str(), &st) == 0) break;
    if (errno != ENOENT) return Status::Unavailable(at.string() + ": " + reason(errno));
    missing.push_back(at);
    if (!at.has_relative_path() || at.parent_path() == at) break;
    at = at.parent_path();
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), mode) != 0 && errno != EEXIST)
      return Status::Unavailable("cannot create " + it->string() + ": " + reason(errno));
    struct stat st {};
    if (::lstat(it->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return Status::Unavailable(it->string() + ": not a directory");
    // Keep the setgid bit a parent passed on; set the rest exactly.
    if (::chmod(it->c_str(), mode | (st.st_mode & S_ISGID)) != 0)
      return Status::Unavailable("cannot set the mode of " + it->string() + ": " + reason(errno));
  }
  return Status::Ok();
}

StatusOr<int> open_private(const std::filesystem::path& path, int flags, mode_t mode) {
  const int base = flags | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(path.c_str(), base | O_CREAT | O_EXCL, mode);
  bool created = fd >= 0;
  if (!created && errno == EEXIST && (flags & O_EXCL) == 0) fd = ::open(path.c_str(), base);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) return Status::Precondition(path.string() + ": is a symbolic link, refused");
    return Status::Unavailable("cannot open " + path.string() + ": " + reason(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Precondition(path.string() + ": not a regular file, refused");
  }
  mode_t want = created ? mode : (st.st_mode & 07777 & mode);
  if ((st.st_mode & 07777) != want && ::fchmod(fd, want) != 0) {
    int err = errno;
    ::close(fd);
    return Status::Unavailable("cannot set the mode of " + path.string() + ": " + reason(err));
  }
  return fd;
}

Status narrow_mode(const std::filesystem::path& path, mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Status::Ok();
  if ((st.st_mode & 07777 & ~mode) == 0) return Status::Ok();
  if (::chmod(path.c_str(), st.st_mode & 07777 & mode) != 0)
    return Status::Unavailable("cannot set the mode of " + path.string() + ": " + reason(errno));
  return Status::Ok();
}

}  // namespace mvne::files
