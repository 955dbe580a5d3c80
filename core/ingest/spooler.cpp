#include "core/ingest/spooler.h"

#include <fnmatch.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/common/time.h"
#include "core/http/request_id.h"
#include "core/log/log.h"

namespace mvne::ingest {
namespace {

namespace fs = std::filesystem;

// Moves `from` into `dir` (created when missing), keeping its name; never overwrites.
fs::path move_into(const fs::path& from, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path to = dir / from.filename();
  for (int n = 1; fs::exists(to, ec); ++n) {
    to = dir / (from.filename().string() + "." + std::to_string(n));
  }
  fs::rename(from, to, ec);
  return to;
}

StatusOr<std::string> sha256_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable(path + ": cannot read");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex);
}

}  // namespace

Spooler::Spooler(plugin::PluginManager* plugins, int workers)
    : plugins_(plugins), workers_(std::max(1, workers)) {}

Spooler::~Spooler() { stop(); }

int Spooler::poll() {
  struct Work {
    std::shared_ptr<plugin::PluginInstance> plugin;
    const plugin::SpoolRegistration* spool;
    fs::path file;
  };
  std::vector<Work> work;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& spool : plugin->registrations().spools) {
      for (const fs::path& file : ready_files(spool)) work.push_back({plugin, &spool, file});
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<int> handled{0};
  auto worker = [&] {
    for (size_t i = next++; i < work.size(); i = next++) {
      const Work& w = work[i];
      fs::path claimed = move_into(w.file, fs::path(w.spool->dir) / ".processing");
      std::error_code ec;
      if (!fs::exists(claimed, ec)) continue;  // another host took it
      handle(*w.plugin, *w.spool, w.file.filename().string(), claimed);
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

std::vector<fs::path> Spooler::ready_files(const plugin::SpoolRegistration& spool) {
  std::vector<fs::path> ready;
  std::error_code ec;
  if (!fs::is_directory(spool.dir, ec)) return ready;
  for (const auto& entry : fs::directory_iterator(spool.dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || name.ends_with(".part") || name.front() == '.') continue;
    if (fnmatch(spool.pattern.c_str(), name.c_str(), 0) == 0) ready.push_back(entry.path());
  }
  std::sort(ready.begin(), ready.end());
  return ready;
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
  } else {
    fs::path failed = move_into(claimed, dir / "failed");
    std::ofstream(failed.string() + ".err") << st.message() << "\n" << counts << "\n";
    metrics.count_ingest_file(plugin.name(), "failed");
    log::write(log::Level::kError, component, scope.request_id,
               "failed " + name + " (moved to failed/, report in " + failed.filename().string() +
                   ".err): " + st.message() + "; " + counts);
  }
}

}  // namespace mvne::ingest
