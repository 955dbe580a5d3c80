// A directory under /tmp removed with everything in it when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>

namespace mvne::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// The whole file as bytes; "" when it cannot be read.
std::string read_file(const std::string& path);

// Permission bits (with setuid/setgid/sticky) of `path`, following links; 0 when missing.
mode_t file_mode(const std::string& path);

}  // namespace mvne::testing
