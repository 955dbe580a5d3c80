#include "core/audit/audit_keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace mvne::audit {
namespace {

constexpr size_t kKeyBytes = crypto_generichash_KEYBYTES;  // 32

std::string hex(const unsigned char* data, size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, len);
  out.pop_back();
  return out;
}

// A new key as a key-file line.
std::string fresh_line() {
  unsigned char id[4], key[kKeyBytes];
  randombytes_buf(id, sizeof id);
  randombytes_buf(key, sizeof key);
  std::string line = hex(id, sizeof id) + " " + hex(key, sizeof key) + "\n";
  sodium_memzero(key, sizeof key);
  return line;
}

Status errno_status(const std::string& path, const std::string& what) {
  return Status::Internal("audit key file " + path + ": " + what + ": " + std::strerror(errno));
}

// Writes `text` to a new owner-only file beside `path` and returns its name.
StatusOr<std::string> write_temp(const std::string& path, const std::string& text) {
  unsigned char tag[8];
  randombytes_buf(tag, sizeof tag);
  std::string temp = path + ".tmp-" + hex(tag, sizeof tag);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status(temp, "cannot create");
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(temp.c_str());
    errno = saved;
    return errno_status(temp, "cannot write");
  }
  return temp;
}

StatusOr<std::vector<AuditKey>> parse(const std::string& path, const std::string& text) {
  std::vector<AuditKey> keys;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::string where = path + ":" + std::to_string(number) + ": ";
    size_t space = line.find(' ');
    if (space != 8 || line.size() != space + 1 + kKeyBytes * 2) {
      return Status::Invalid(where + "expected '<8 hex digit key id> <64 hex digit key>'");
    }
    AuditKey k;
    k.id = line.substr(0, space);
    k.key.resize(kKeyBytes);
    size_t len = 0;
    unsigned char id_bytes[4];
    if (sodium_hex2bin(id_bytes, sizeof id_bytes, k.id.data(), k.id.size(), nullptr, &len,
                       nullptr) != 0 ||
        sodium_hex2bin(reinterpret_cast<unsigned char*>(k.key.data()), kKeyBytes,
                       line.data() + space + 1, kKeyBytes * 2, nullptr, &len, nullptr) != 0 ||
        len != kKeyBytes) {
      return Status::Invalid(where + "not hexadecimal");
    }
    for (const auto& other : keys) {
      if (other.id == k.id) return Status::Invalid(where + "key id " + k.id + " appears twice");
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return Status::Invalid(path + ": holds no key");
  return keys;
}

// Reads the key file, refusing one that others could read or replace.
StatusOr<std::string> read_private(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno_status(path, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return errno_status(path, "cannot stat");
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::Precondition("audit key file " + path +
                                ": must be a regular file owned by this user with mode 0600 "
                                "(chmod 600; chown to the host's user)");
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return errno_status(path, "cannot read");
  return text;
}

}  // namespace

StatusOr<std::shared_ptr<const KeyRing>> KeyRing::load_or_create(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium cannot initialise");
  if (path.empty()) return Status::Invalid("audit.key_file is empty");
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) return Status::Internal("audit key file " + path + ": " + ec.message());
      std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
    }
    auto temp = write_temp(path, fresh_line());
    if (!temp.ok()) return temp.status();
    // link() never replaces: when another process created the file first, its key is used.
    int linked = ::link(temp->c_str(), path.c_str());
    int saved = errno;
    ::unlink(temp->c_str());
    errno = saved;
    if (linked != 0 && errno != EEXIST) return errno_status(path, "cannot create");
  }
  auto text = read_private(path);
  if (!text.ok()) return text.status();
  auto keys = parse(path, text.value());
  sodium_memzero(text->data(), text->size());
  if (!keys.ok()) return keys.status();
  return std::shared_ptr<const KeyRing>(new KeyRing(std::move(keys).value()));
}

std::shared_ptr<const KeyRing> KeyRing::ephemeral() {
  if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can be done
  std::string line = fresh_line();
  auto keys = parse("(memory)", line);
  return std::shared_ptr<const KeyRing>(new KeyRing(std::move(keys).value()));
}

StatusOr<std::string> KeyRing::rotate(const std::string& path) {
  auto ring = load_or_create(path);
  if (!ring.ok()) return ring.status();
  auto text = read_private(path);
  if (!text.ok()) return text.status();
  std::string line;
  do {
    line = fresh_line();
  } while ((*ring)->find(line.substr(0, 8)) != nullptr);
  if (!text->empty() && text->back() != '\n') *text += '\n';
  auto temp = write_temp(path, text.value() + line);
  sodium_memzero(text->data(), text->size());
  if (!temp.ok()) return temp.status();
  if (::rename(temp->c_str(), path.c_str()) != 0) {
    ::unlink(temp->c_str());
    return errno_status(path, "cannot replace");
  }
  return line.substr(0, 8);
}

const AuditKey* KeyRing::find(const std::string& id) const {
  for (const auto& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

}  // namespace mvne::audit
