// A plugin's config keys as it declares them in its descriptor (ABI 1.3), and the check of
// its [plugin.NAME] section against them: an unknown key, a missing required key or a value
// of the wrong type is refused naming the file and line, as the host's own keys are; absent
// keys get their declared defaults. A plugin that declares no keys is not checked.
#pragma once

#include <mvne/plugin.h>

#include <set>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/config/settings.h"

namespace mvne::plugin {

struct ConfigKeyDef {
  std::string name;
  int32_t type = MVNE_CONFIG_TEXT;
  uint32_t flags = 0;
  std::string default_value;
  std::string help;
};

// The declared keys of a descriptor of `size` bytes; problems are reported to `problem`.
std::vector<ConfigKeyDef> config_keys_of(const mvne_plugin_descriptor& d, uint32_t size,
                                         std::vector<std::string>& problems);

// The section plugin `name` sees: its keys in `settings` plus the defaults of absent declared
// keys; refused (every problem, one per line) when it does not match the declarations.
StatusOr<config::Section> effective_section(const config::Settings& settings,
                                            const std::string& name,
                                            const std::vector<ConfigKeyDef>& declared);

// "plugin.key" of the declared secrets, for config::render_settings.
std::set<std::string> declared_secrets(const std::string& name,
                                       const std::vector<ConfigKeyDef>& declared);

}  // namespace mvne::plugin
