// A file written beside its final name under a random temporary name and renamed over it
// once complete and synced, inside a directory opened once (so no link swapped into the
// path later redirects it). The temporary file is created exclusively and never through a
// symbolic link; a file not committed is removed.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/common/status.h"

namespace mvne::exports {

// The directory files are written into: `path` opened without following a link there.
class ExportDir {
 public:
  static StatusOr<ExportDir> open(const std::string& path);
  ~ExportDir();
  ExportDir(ExportDir&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
    other.fd_ = -1;
  }
  ExportDir(const ExportDir&) = delete;
  ExportDir& operator=(const ExportDir&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // The whole content of regular file `name`, or NotFound; a link there is refused.
  StatusOr<std::string> read(const std::string& name) const;

 private:
  ExportDir(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

class AtomicFile {
 public:
  AtomicFile(const ExportDir& dir, std::string name, mode_t mode);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status open();
  Status write(std::string_view bytes);
  // Syncs, renames the temporary file to the final name and syncs the directory.
  Status commit();

 private:
  const ExportDir& dir_;
  std::string name_;
  std::string temp_;
  mode_t mode_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace mvne::exports
