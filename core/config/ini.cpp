#include "core/config/ini.h"

#include <set>
#include <utility>

namespace mvne::config {
namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r";
  size_t begin = s.find_first_not_of(ws);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::vector<IniEntry>> parse_ini(std::string_view text, const std::string& source) {
  std::vector<IniEntry> entries;
  std::set<std::pair<std::string, std::string>> seen;
  std::string section;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    std::string_view line = trim(raw);
    std::string where = source + ":" + std::to_string(line_no);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return Status::Invalid(where + ": section header lacks ']'");
      std::string_view name = trim(line.substr(1, line.size() - 2));
      if (!valid_name(name)) {
        return Status::Invalid(where + ": invalid section name '" + std::string(name) + "'");
      }
      section = std::string(name);
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::Invalid(where + ": expected 'key = value' or '[section]'");
    }
    if (section.empty()) return Status::Invalid(where + ": key outside of any [section]");
    std::string key(trim(line.substr(0, eq)));
    if (!valid_name(key) || key.find('.') != std::string::npos) {
      return Status::Invalid(where + ": invalid key name '" + key + "'");
    }
    if (!seen.emplace(section, key).second) {
      return Status::Invalid(where + ": key '" + section + "." + key + "' is set twice");
    }
    entries.push_back({section, key, std::string(trim(line.substr(eq + 1))), where});
  }
  return entries;
}

StatusOr<IniEntry> parse_override(std::string_view assignment) {
  std::string origin = "--set " + std::string(assignment);
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return Status::Invalid(origin + ": expected section.key=value");
  }
  std::string_view path = trim(assignment.substr(0, eq));
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == path.size()) {
    return Status::Invalid(origin + ": expected section.key=value");
  }
  IniEntry entry{std::string(path.substr(0, dot)), std::string(path.substr(dot + 1)),
                 std::string(trim(assignment.substr(eq + 1))), origin};
  if (!valid_name(entry.section) || !valid_name(entry.key)) {
    return Status::Invalid(origin + ": invalid section or key name");
  }
  return entry;
}

}  // namespace mvne::config
