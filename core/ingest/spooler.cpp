#include "core/ingest/spooler.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/common/time.h"
#include "core/http/request_id.h"
#include "core/ingest/spool_claims.h"
#include "core/log/log.h"

namespace mvne::ingest {
namespace {

namespace fs = std::filesystem;

// Moves `from` into `dir` (created when missing), keeping its name; never overwrites.
fs::path move_into(const fs::path& from, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path to = dir / from.filename();
  for (int n = 1; fs::exists(fs::symlink_status(to, ec)); ++n) {
    to = dir / (from.filename().string() + "." + std::to_string(n));
  }
  fs::rename(from, to, ec);
  return to;
}

// Hashes the file at `path`, which must be a regular file (a link is refused, not followed).
StatusOr<std::string> sha256_of(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable(path + ": cannot read (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Invalid(path + ": not a regular file");
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  unsigned char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    crypto_hash_sha256_update(&state, buf, static_cast<unsigned long long>(n));
  }
  ::close(fd);
  if (n < 0) return Status::Unavailable(path + ": read error");
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex);
}

// Writes the report of a failed file beside it: created exclusively, never through a link
// (a name already taken gets a numbered one).
std::string write_report(const fs::path& failed, const std::string& text) {
  for (int n = 0; n < 1000; ++n) {
    std::string path = failed.string() + ".err" + (n == 0 ? "" : "." + std::to_string(n));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return "";
    }
    ssize_t written = ::write(fd, text.data(), text.size());
    ::close(fd);
    return written == static_cast<ssize_t>(text.size()) ? fs::path(path).filename().string() : "";
  }
  return "";
}

constexpr int64_t kLeaseUs = 60 * 1000000LL;  // a claim's lease, renewed every third of it

}  // namespace

Spooler::Spooler(plugin::PluginManager* plugins, int workers, Observer observer)
    : plugins_(plugins), workers_(std::max(1, workers)), observer_(std::move(observer)) {}

Spooler::~Spooler() { stop(); }

void Spooler::start() {
  worker_.start();
  renewer_.start();
}

void Spooler::stop() {
  worker_.stop();
  renewer_.stop();
}

void Spooler::renew_claims() {
  std::lock_guard lock(mu_);
  for (const auto& [dir, name] : active_) SpoolClaims(dir).renew(name, now_us() + kLeaseUs);
}

int Spooler::poll() {
  struct Work {
    std::shared_ptr<plugin::PluginInstance> plugin;
    const plugin::SpoolRegistration* spool;
    fs::path file;
  };
  std::vector<Work> work;
  for (const auto& plugin : plugins_->running()) {
    if (plugin->services() == nullptr) continue;  // no storage: its files wait in the spool
    for (const auto& spool : plugin->registrations().spools) {
      recover(*plugin, spool);
      for (const fs::path& file : ready_files(*plugin, spool))
        work.push_back({plugin, &spool, file});
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<int> handled{0};
  auto worker = [&] {
    for (size_t i = next++; i < work.size(); i = next++) {
      const Work& w = work[i];
      const std::string name = w.file.filename().string();
      SpoolClaims claims(w.spool->dir);
      fs::path claimed = claims.claim(name, now_us() + kLeaseUs);
      if (claimed.empty()) continue;  // another host (or worker) has it
      {
        std::lock_guard lock(mu_);
        active_.emplace(w.spool->dir, name);
      }
      handle(*w.plugin, *w.spool, name, claimed);
      {
        std::lock_guard lock(mu_);
        active_.erase({w.spool->dir, name});
      }
      claims.release(name);
      ++handled;
    }
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < workers_ && static_cast<size_t>(i) < work.size(); ++i)
    extra.emplace_back(worker);
  worker();
  for (auto& t : extra) t.join();
  return handled;
}

void Spooler::recover(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool) {
  int returned = SpoolClaims(spool.dir).recover(now_us());
  if (returned > 0) {
    log::write(log::Level::kWarn, "plugin:" + plugin.name(), "",
               "took back " + std::to_string(returned) + " file(s) from " + spool.dir +
                   "/.processing/ whose claimant stopped before finishing; they are read "
                   "again (records stored before are counted as duplicates)");
  }
}

std::vector<fs::path> Spooler::ready_files(plugin::PluginInstance& plugin,
                                           const plugin::SpoolRegistration& spool) {
  std::vector<fs::path> ready;
  std::error_code ec;
  if (!fs::is_directory(spool.dir, ec)) return ready;
  for (const auto& entry : fs::directory_iterator(spool.dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".part") || name.front() == '.') continue;
    if (fnmatch(spool.pattern.c_str(), name.c_str(), 0) != 0) continue;
    auto type = entry.symlink_status(ec).type();
    if (type == fs::file_type::regular) {
      ready.push_back(entry.path());
    } else if (type == fs::file_type::symlink) {
      refuse_link(plugin, spool, entry.path());
    }
  }
  std::sort(ready.begin(), ready.end());
  return ready;
}

void Spooler::refuse_link(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool,
                          const fs::path& link) {
  const std::string name = link.filename().string();
  fs::path failed = move_into(link, fs::path(spool.dir) / "failed");  // moves the link itself
  std::string report = write_report(
      failed, name +
                  ": a symbolic link, not a regular file: refused unread (spool files must "
                  "be regular files renamed into place)\n");
  plugin.metrics().count_ingest_file(plugin.name(), "failed");
  log::write(log::Level::kError, "plugin:" + plugin.name(), "",
             "refused " + name + ": a symbolic link (moved to failed/, report in " + report + ")");
}

void Spooler::handle(plugin::PluginInstance& plugin, const plugin::SpoolRegistration& spool,
                     const std::string& name, const fs::path& claimed) {
  const fs::path dir(spool.dir);
  const std::string component = "plugin:" + plugin.name();
  metrics::Metrics& metrics = plugin.metrics();
  plugin::CallScope scope{plugin::Phase::kIngest, &plugin, http::next_request_id()};
  scope.source = name;

  if (plugin.services() == nullptr) {
    log::write(log::Level::kError, component, scope.request_id,
               "cannot ingest " + name + ": the host has no storage");
    return;
  }
  // A file seen again with the same content is recognised and skipped.
  auto digest = sha256_of(claimed.string());
  storage::Database& db = *plugin.services()->db;
  if (digest.ok()) {
    auto seen = db.query(
        "SELECT name, processed_at FROM spool_files WHERE plugin = ? AND spool = ? AND sha256 = ?",
        {plugin.name(), spool.name, digest.value()});
    if (seen.ok() && !seen->empty()) {
      move_into(claimed, dir / "done");
      metrics.count_ingest_file(plugin.name(), "skipped_same_content");
      if (observer_) observer_({plugin.name(), name, true, {}, 0, 0, 0});
      log::write(log::Level::kInfo, component, scope.request_id,
                 "skipped " + name + ": same content as " + storage::as_text(seen.value()[0][0]) +
                     ", processed " + format_time_us(storage::as_int(seen.value()[0][1])));
      return;
    }
  }

  log::write(log::Level::kInfo, component, scope.request_id, "ingesting " + name);
  const auto handler = spool.handler;
  void* data = spool.spool_data;
  std::string path = claimed.string();
  Status st =
      digest.ok()
          ? plugin.call(scope,
                        [&](mvne_context* ctx, void* state) {
                          return handler(state, data, ctx, mvne_str{path.data(), path.size()});
                        })
          : digest.status();
  std::string counts = "stored " + std::to_string(scope.ingested.stored) + ", duplicates " +
                       std::to_string(scope.ingested.duplicates) + ", quarantined " +
                       std::to_string(scope.ingested.quarantined);
  if (st.ok()) {
    st = db.execute(
        "{insert_ignore} INTO spool_files (plugin, spool, sha256, name, processed_at) "
        "VALUES (?, ?, ?, ?, ?)",
        {plugin.name(), spool.name, digest.value(), name, now_us()});
  }
  if (st.ok()) {
    move_into(claimed, dir / "done");
    metrics.count_ingest_file(plugin.name(), "done");
    log::write(log::Level::kInfo, component, scope.request_id, "done " + name + ": " + counts);
  } else if (digest.ok() && st.code() == Code::kUnavailable) {
    // Not the file's fault: the plugin is stopping or the host is over capacity (database
    // busy or down). The file goes back to the spool and is read again later; what it
    // stored so far is recognised as duplicates then.
    std::error_code ec;
    fs::rename(claimed, dir / name, ec);
    metrics.count_ingest_file(plugin.name(), "retry");
    log::write(log::Level::kWarn, component, scope.request_id,
               "put " + name + " back in the spool, to be read again: " + st.message() + "; " +
                   counts);
  } else {
    fs::path failed = move_into(claimed, dir / "failed");
    std::string report = write_report(failed, st.message() + "\n" + counts + "\n");
    metrics.count_ingest_file(plugin.name(), "failed");
    log::write(log::Level::kError, component, scope.request_id,
               "failed " + name + " (moved to failed/, report in " + report + "): " + st.message() +
                   "; " + counts);
  }
  if (observer_) {
    observer_({plugin.name(), name, st.ok(), st.ok() ? std::string() : st.message(),
               scope.ingested.stored, scope.ingested.duplicates, scope.ingested.quarantined});
  }
}

}  // namespace mvne::ingest
