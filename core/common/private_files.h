// Files and directories that hold records, key hashes, exports or logs: created with the
// permissions asked for whatever the process umask, and never reached through a symbolic
// link the host did not make.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "core/common/status.h"

namespace mvne::files {

// Creates `dir` and its missing parents with exactly `mode` (set after creation, so the
// umask does not widen or narrow it); a setgid parent passes its group on as usual.
// Directories that already exist are left as they are. Errors name the directory.
Status create_dirs(const std::filesystem::path& dir, mode_t mode);

// Opens `path` with `flags` | O_CREAT | O_NOFOLLOW | O_CLOEXEC (with O_EXCL in `flags`, only
// a new file). A new file gets exactly `mode`; an existing one with permission bits beyond
// `mode` is narrowed to it. A symbolic link or anything but a regular file is refused.
// Returns the descriptor (the caller closes it).
StatusOr<int> open_private(const std::filesystem::path& path, int flags, mode_t mode);

// Narrows an existing file's permissions to `mode` (nothing when it does not exist or is no
// regular file).
Status narrow_mode(const std::filesystem::path& path, mode_t mode);

}  // namespace mvne::files
