#include "core/plugin/plugin_config.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>

namespace mvne::plugin {
namespace {

std::string text(mvne_str s) {
  if (s.data == nullptr || s.len > 4096) return {};
  return std::string(s.data, s.len);
}

bool name_ok(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

// Empty when `value` is of `type`; else what it should be.
std::string type_problem(int32_t type, const std::string& value) {
  if (type == MVNE_CONFIG_INT) {
    char* end = nullptr;
    errno = 0;
    (void)std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0) return "expected an integer";
  } else if (type == MVNE_CONFIG_BOOL) {
    static const char* const kWords[] = {"true", "false", "yes", "no", "on", "off", "1", "0"};
    if (std::none_of(std::begin(kWords), std::end(kWords),
                     [&](const char* w) { return value == w; })) {
      return "expected true or false";
    }
  }
  return {};
}

// Where `section`.`key` was set ("file:line" or "--set ..."), or the config file.
std::string origin_of(const config::Settings& settings, const std::string& section,
                      const std::string& key) {
  for (auto it = settings.effective.rbegin(); it != settings.effective.rend(); ++it) {
    if (it->section == section && it->key == key) return it->origin;
  }
  return settings.source;
}

}  // namespace

std::vector<ConfigKeyDef> config_keys_of(const mvne_plugin_descriptor& d, uint32_t size,
                                         std::vector<std::string>& problems) {
  std::vector<ConfigKeyDef> out;
  if (size < offsetof(mvne_plugin_descriptor, config_key_count) + sizeof(size_t)) return out;
  if (d.config_key_count > 256 || (d.config_keys == nullptr && d.config_key_count > 0)) {
    problems.push_back("descriptor config_keys: " + std::to_string(d.config_key_count) +
                       " entries (at most 256)");
    return out;
  }
  for (size_t i = 0; i < d.config_key_count; ++i) {
    const mvne_config_key& k = d.config_keys[i];
    ConfigKeyDef def{text(k.name), k.type, k.flags, text(k.default_value), text(k.help)};
    std::string where = "descriptor config key " + std::to_string(i) + " '" + def.name + "': ";
    if (!name_ok(def.name)) {
      problems.push_back(where + "names use a-z, 0-9 and _");
    } else if (def.type < MVNE_CONFIG_TEXT || def.type > MVNE_CONFIG_BOOL) {
      problems.push_back(where + "unknown type " + std::to_string(def.type));
    } else if (!def.default_value.empty() && !type_problem(def.type, def.default_value).empty()) {
      problems.push_back(where + "default '" + def.default_value + "': " +
                         type_problem(def.type, def.default_value));
    } else {
      out.push_back(std::move(def));
    }
  }
  return out;
}

StatusOr<config::Section> effective_section(const config::Settings& settings,
                                            const std::string& name,
                                            const std::vector<ConfigKeyDef>& declared) {
  auto it = settings.plugin_sections.find(name);
  config::Section section = it == settings.plugin_sections.end() ? config::Section() : it->second;
  if (declared.empty()) return section;
  const std::string section_name = "plugin." + name;
  std::string problems;
  auto problem = [&](const std::string& where, const std::string& what) {
    problems += (problems.empty() ? "" : "\n") + where + ": " + what;
  };
  std::string known;
  for (const auto& k : declared) known += (known.empty() ? "" : ", ") + k.name;
  for (const auto& [key, value] : section) {
    auto def = std::find_if(declared.begin(), declared.end(),
                            [&](const ConfigKeyDef& k) { return k.name == key; });
    std::string where = origin_of(settings, section_name, key);
    if (def == declared.end()) {
      problem(where, section_name + "." + key + ": unknown key (plugin '" + name +
                         "' knows: " + known + ")");
    } else if (std::string why = type_problem(def->type, value); !why.empty()) {
      problem(where, section_name + "." + key + ": " + why + ", got '" +
                         ((def->flags & MVNE_CONFIG_SECRET) ? "(hidden)" : value) + "'");
    }
  }
  for (const auto& k : declared) {
    if (section.count(k.name) != 0) continue;
    if (!k.default_value.empty()) {
      section[k.name] = k.default_value;
    } else if (k.flags & MVNE_CONFIG_REQUIRED) {
      problem(settings.source, section_name + "." + k.name + ": required, not set" +
                                   (k.help.empty() ? "" : " (" + k.help + ")"));
    }
  }
  if (!problems.empty()) return Status::Invalid(problems);
  return section;
}

std::set<std::string> declared_secrets(const std::string& name,
                                       const std::vector<ConfigKeyDef>& declared) {
  std::set<std::string> out;
  for (const auto& k : declared) {
    if (k.flags & MVNE_CONFIG_SECRET) out.insert("plugin." + name + "." + k.name);
  }
  return out;
}

}  // namespace mvne::plugin
