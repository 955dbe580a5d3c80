#include "core/ingest/spooler.h"

#include <fnmatch.h>

#include <filesystem>
#include <fstream>

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

}  // namespace

Spooler::Spooler(plugin::PluginManager* plugins) : plugins_(plugins) {}

Spooler::~Spooler() { stop(); }

int Spooler::poll() {
  int handled = 0;
  for (const auto& plugin : plugins_->running()) {
    for (const auto& spool : plugin->registrations().spools) {
      std::error_code ec;
      fs::path dir(spool.dir);
      if (!fs::is_directory(dir, ec)) continue;
      std::vector<fs::path> ready;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || name.ends_with(".part") || name.front() == '.') continue;
        if (fnmatch(spool.pattern.c_str(), name.c_str(), 0) == 0) ready.push_back(entry.path());
      }
      std::sort(ready.begin(), ready.end());
      for (const fs::path& file : ready) {
        fs::path claimed = move_into(file, dir / ".processing");
        if (!fs::exists(claimed, ec)) continue;  // another host took it
        plugin::CallScope scope{plugin::Phase::kIngest, plugin.get(), http::next_request_id()};
        scope.source = file.filename().string();
        std::string component = "plugin:" + plugin->name();
        log::write(log::Level::kInfo, component, scope.request_id, "ingesting " + file.string());
        const auto handler = spool.handler;
        void* data = spool.spool_data;
        std::string path = claimed.string();
        Status st = plugin->call(scope, [&](mvne_context* ctx, void* state) {
          return handler(state, data, ctx, mvne_str{path.data(), path.size()});
        });
        std::string counts = "stored " + std::to_string(scope.ingested.stored) + ", duplicates " +
                             std::to_string(scope.ingested.duplicates) + ", quarantined " +
                             std::to_string(scope.ingested.quarantined);
        if (st.ok()) {
          move_into(claimed, dir / "done");
          log::write(log::Level::kInfo, component, scope.request_id,
                     "done " + scope.source + ": " + counts);
        } else {
          fs::path failed = move_into(claimed, dir / "failed");
          std::ofstream(failed.string() + ".err") << st.message() << "\n" << counts << "\n";
          log::write(log::Level::kError, component, scope.request_id,
                     "failed " + scope.source + " (moved to failed/): " + st.message());
        }
        ++handled;
      }
    }
  }
  return handled;
}

}  // namespace mvne::ingest
