#include "core/ingest/spool_claims.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace mvne::ingest {
namespace {

namespace fs = std::filesystem;

// Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces).
int64_t process_start(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return std::stoll(field);
  }
  return -1;
}

std::string read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// Creates `path` with `text`; never follows or replaces an existing file or link.
bool create_exclusive(const fs::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Renames `from` to `to` unless `to` exists (link, then unlink: never replaces).
bool rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

}  // namespace

Claimant Claimant::self(int64_t lease_until_us) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  Claimant c;
  c.host = host;
  c.pid = ::getpid();
  c.started = process_start(c.pid);
  c.lease_until_us = lease_until_us;
  return c;
}

std::string Claimant::encode() const {
  return "host=" + host + "\npid=" + std::to_string(pid) + "\nstarted=" + std::to_string(started) +
         "\nlease_until_us=" + std::to_string(lease_until_us) + "\n";
}

StatusOr<Claimant> Claimant::decode(const std::string& text) {
  Claimant c;
  std::istringstream in(text);
  std::string line;
  int seen = 0;
  try {
    while (std::getline(in, line)) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      if (key == "host") c.host = value, seen |= 1;
      if (key == "pid") c.pid = std::stoll(value), seen |= 2;
      if (key == "started") c.started = std::stoll(value), seen |= 4;
      if (key == "lease_until_us") c.lease_until_us = std::stoll(value), seen |= 8;
    }
  } catch (const std::exception&) {
    return Status::Invalid("malformed claim");
  }
  if (seen != 15) return Status::Invalid("incomplete claim");
  return c;
}

bool Claimant::alive(const Claimant& self, int64_t now_us) const {
  if (host == self.host) return pid == self.pid || process_start(pid) == started;
  return now_us < lease_until_us;
}

fs::path SpoolClaims::claim(const std::string& name, int64_t lease_until_us) {
  std::error_code ec;
  fs::create_directories(processing(), ec);
  if (!create_exclusive(claim_path(name), Claimant::self(lease_until_us).encode())) return {};
  fs::path claimed = processing() / name;
  if (::rename((dir_ / name).c_str(), claimed.c_str()) != 0) {
    ::unlink(claim_path(name).c_str());
    return {};
  }
  return claimed;
}

void SpoolClaims::renew(const std::string& name, int64_t lease_until_us) {
  fs::path tmp = processing() / ("." + name + ".claim.renew." + std::to_string(::getpid()));
  ::unlink(tmp.c_str());
  if (create_exclusive(tmp, Claimant::self(lease_until_us).encode())) {
    ::rename(tmp.c_str(), claim_path(name).c_str());
  }
}

void SpoolClaims::release(const std::string& name) { ::unlink(claim_path(name).c_str()); }

int SpoolClaims::recover(int64_t now_us) {
  std::error_code ec;
  if (!fs::is_directory(processing(), ec)) return 0;
  const Claimant self = Claimant::self(0);
  int returned = 0;
  for (const auto& entry : fs::directory_iterator(processing(), ec)) {
    std::string file = entry.path().filename().string();
    bool is_claim = file.size() > 7 && file.front() == '.' && file.ends_with(".claim");
    std::string name = is_claim ? file.substr(1, file.size() - 7) : file;
    if (!is_claim) {
      // A file with no claim at all (left by a version without claims): nobody works on it.
      if (file.front() != '.' && !fs::exists(fs::symlink_status(claim_path(name), ec)) &&
          rename_no_replace(entry.path(), dir_ / name)) {
        ++returned;
      }
      continue;
    }
    const std::string seen = read_file(entry.path());
    auto claimant = Claimant::decode(seen);
    if (claimant.ok() && claimant->alive(self, now_us)) continue;
    // Take the dead claim over: one recoverer wins the rename; the content must still be the
    // claim judged dead (not a new claim made meanwhile).
    fs::path held = processing() / (file + ".recovering." + std::to_string(self.pid));
    if (::rename(entry.path().c_str(), held.c_str()) != 0) continue;
    if (read_file(held) != seen) {
      rename_no_replace(held, entry.path());
      continue;
    }
    if (take_back(name)) ++returned;
    if (fs::exists(fs::symlink_status(processing() / name, ec))) {
      rename_no_replace(held, entry.path());  // DIR/NAME is taken: try again later
    } else {
      ::unlink(held.c_str());
    }
  }
  return returned;
}

bool SpoolClaims::take_back(const std::string& name) {
  return rename_no_replace(processing() / name, dir_ / name);
}

}  // namespace mvne::ingest
