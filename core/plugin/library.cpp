#include "core/plugin/library.h"

#include <cstddef>
#include <cstring>
#include <functional>
#include <filesystem>
#include <system_error>

namespace mvne::plugin {
namespace {

constexpr size_t kDescriptorV1Size =
    offsetof(mvne_plugin_descriptor, on_stop) + sizeof(mvne_plugin_descriptor::on_stop);

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string text_of(mvne_str s) {
  if (s.data == nullptr || s.len > 256) return {};
  return std::string(s.data, s.len);
}

// "plugin.kind": two names of a-z, 0-9 and _.
bool read_name_ok(const std::string& text) {
  size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || i == dot;
    if (!ok) return false;
  }
  return true;
}

// The record kinds of other plugins a descriptor declares it reads (since 1.3).
std::vector<std::string> reads_of(const mvne_plugin_descriptor& d, uint32_t size,
                                  const std::function<void(const std::string&)>& problem) {
  std::vector<std::string> out;
  if (size < offsetof(mvne_plugin_descriptor, read_count) + sizeof(size_t)) return out;
  if (d.read_count > 64 || (d.reads == nullptr && d.read_count > 0)) {
    problem("descriptor reads: " + std::to_string(d.read_count) + " entries (at most 64)");
    return out;
  }
  for (size_t i = 0; i < d.read_count; ++i) {
    std::string name = text_of(d.reads[i]);
    if (!read_name_ok(name)) {
      problem("descriptor reads entry " + std::to_string(i) + " is not \"plugin.kind\"");
      continue;
    }
    out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

std::string plugin_path(const std::vector<std::string>& dirs, const std::string& name) {
  const std::string file = "mvne_" + name + ".so";
  std::error_code ec;
  for (const auto& dir : dirs) {
    auto path = std::filesystem::path(dir) / file;
    if (std::filesystem::exists(path, ec)) return path.string();
  }
  return dirs.empty() ? file : (std::filesystem::path(dirs.front()) / file).string();
}

std::string PluginLibrary::version() const { return text_of(descriptor_.version); }

StatusOr<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const std::string& path,
                                                             const std::string& expected_name,
                                                             const mvne_host_api* host) {
  std::error_code fs_error;
  if (!std::filesystem::is_regular_file(path, fs_error)) {
    return Status::NotFound(path + ": plugin file not found");
  }
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  boost::dll::fs::error_code ec;
  lib->library_.load(path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec);
  if (ec) return Status::Invalid(path + ": cannot load: " + ec.message());
  if (!lib->library_.has(MVNE_PLUGIN_ENTRY_SYMBOL)) {
    return Status::Invalid(path + ": does not export " MVNE_PLUGIN_ENTRY_SYMBOL
                                  " (is it built with MVNE_PLUGIN?)");
  }
  auto entry = lib->library_.get<const mvne_plugin_descriptor*(const mvne_host_api*)>(
      MVNE_PLUGIN_ENTRY_SYMBOL);
  const mvne_plugin_descriptor* declared = nullptr;
  try {
    declared = entry(host);
  } catch (...) {
    return Status::Invalid(path + ": " MVNE_PLUGIN_ENTRY_SYMBOL " threw an exception");
  }
  if (declared == nullptr) {
    return Status::Invalid(path +
                           ": " MVNE_PLUGIN_ENTRY_SYMBOL
                           " returned no descriptor (the plugin refused this host, ABI " +
                           version_text(MVNE_ABI_MAJOR, MVNE_ABI_MINOR) + ")");
  }

  // Read no further than the plugin says its descriptor reaches; zero-fill the rest.
  uint32_t size = declared->struct_size;
  std::memcpy(&lib->descriptor_, declared, std::min<size_t>(size, sizeof(mvne_plugin_descriptor)));
  const mvne_plugin_descriptor& d = lib->descriptor_;
  std::string host_abi = version_text(MVNE_ABI_MAJOR, MVNE_ABI_MINOR);
  std::string problems;
  auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  if (size < offsetof(mvne_plugin_descriptor, abi_minor) + sizeof(uint16_t)) {
    return Status::Invalid(path + ": incompatible plugin: descriptor struct_size is " +
                           std::to_string(size) + " bytes, ABI " + host_abi + " needs " +
                           std::to_string(kDescriptorV1Size));
  }
  std::string declared_abi = version_text(d.abi_major, d.abi_minor);
  if (d.abi_major != MVNE_ABI_MAJOR) {
    problem("plugin declares ABI " + declared_abi + ", host supports ABI major " +
            std::to_string(MVNE_ABI_MAJOR) + " (1.0 to " + host_abi + ")");
  } else if (d.abi_minor > MVNE_ABI_MINOR) {
    problem("plugin declares ABI " + declared_abi + ", newer than the host's " + host_abi);
  }
  if (size < kDescriptorV1Size) {
    problem("descriptor struct_size is " + std::to_string(size) + " bytes, ABI " + declared_abi +
            " needs at least " + std::to_string(kDescriptorV1Size));
  }
  if (problems.empty()) {
    std::string name = text_of(d.name);
    if (name != expected_name) {
      problem("descriptor names the plugin '" + name + "', but it was enabled as '" +
              expected_name + "'");
    }
    if (d.on_start == nullptr || d.on_stop == nullptr) problem("on_start or on_stop is missing");
    lib->reads_ = reads_of(d, size, problem);
    std::vector<std::string> key_problems;
    lib->config_keys_ = config_keys_of(d, size, key_problems);
    for (const auto& p : key_problems) problem(p);
  }
  if (!problems.empty()) return Status::Invalid(path + ": incompatible plugin: " + problems);
  return lib;
}

}  // namespace mvne::plugin

#include <unistd.h>

#include "core/config/settings.h"

namespace mvne::plugin {

Status check_plugin_files(const config::Settings& settings) {
  if (settings.plugins.enabled.empty()) return Status::Ok();
  const auto& dirs = settings.plugins.dirs;
  std::error_code ec;
  for (const auto& dir : dirs) {
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status::Invalid("plugins.dir: '" + dir + "' is not a directory");
    }
    if (::access(dir.c_str(), R_OK | X_OK) != 0) {
      return Status::Invalid("plugins.dir: '" + dir + "' is not readable");
    }
  }
  std::string searched;
  for (const auto& dir : dirs) searched += (searched.empty() ? "" : ", ") + dir;
  for (const auto& name : settings.plugins.enabled) {
    std::string path = plugin_path(dirs, name);
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status::Invalid("plugins.enabled: plugin '" + name + "' has no file mvne_" + name +
                             ".so in " + searched);
    }
    if (::access(path.c_str(), R_OK) != 0) {
      return Status::Invalid("plugins.enabled: plugin file " + path + " is not readable");
    }
  }
  return Status::Ok();
}

}  // namespace mvne::plugin
