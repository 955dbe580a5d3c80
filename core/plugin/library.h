// Opens a plugin's shared library (Boost.DLL, RTLD_LOCAL), calls its one entry symbol and
// checks the descriptor against the ABI this host implements. A refusal names the file
// and every mismatch, like PostgreSQL's incompatible_module_error.
#pragma once

#include <mvne/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/plugin/plugin_config.h"

namespace mvne::plugin {

class PluginLibrary {
 public:
  // `expected_name` is the name the operator enabled; the descriptor must carry it.
  static StatusOr<std::shared_ptr<PluginLibrary>> open(const std::string& path,
                                                       const std::string& expected_name,
                                                       const mvne_host_api* host);

  // The plugin's descriptor, zero-filled past the struct_size the plugin declared.
  const mvne_plugin_descriptor& descriptor() const { return descriptor_; }
  const std::string& path() const { return path_; }
  // The other plugins' record kinds it declares it reads, "plugin.kind" (ABI 1.3).
  const std::vector<std::string>& reads() const { return reads_; }
  // Its declared config keys (ABI 1.3; empty: not checked).
  const std::vector<ConfigKeyDef>& config_keys() const { return config_keys_; }
  std::string version() const;

 private:
  PluginLibrary() = default;

  boost::dll::shared_library library_;
  mvne_plugin_descriptor descriptor_{};
  std::string path_;
  std::vector<std::string> reads_;
  std::vector<ConfigKeyDef> config_keys_;
};

// The file a plugin called `name` is loaded from: mvne_NAME.so in the first of `dirs` that
// has it (the first directory's path when none has: for error messages).
std::string plugin_path(const std::vector<std::string>& dirs, const std::string& name);

}  // namespace mvne::plugin

namespace mvne::config {
struct Settings;
}

namespace mvne::plugin {
// Checks what can be checked before loading: the plugin directory is readable and every
// enabled plugin has its file there. Fails with the key, the path and the reason.
Status check_plugin_files(const config::Settings& settings);
}  // namespace mvne::plugin
