// A small INI reader that remembers where every key came from, so that errors can name
// the file and line. Sections are `[name]`, entries `key = value`, comments start with
// `#` or `;`. Keys are case-sensitive; a repeated key is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace mvne::config {

struct IniEntry {
  std::string section;
  std::string key;
  std::string value;
  std::string origin;  // "file:line" or "--set", for messages
};

StatusOr<std::vector<IniEntry>> parse_ini(std::string_view text, const std::string& source);

// Parses one `--set section.key=value` override. The section is everything before the
// last dot, so `plugin.sms.spool = x` reads as section "plugin.sms", key "spool".
StatusOr<IniEntry> parse_override(std::string_view assignment);

}  // namespace mvne::config
