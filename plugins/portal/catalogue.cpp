#include "catalogue.h"

#include <cctype>
#include <cstdlib>

#include <mvne/toolkit/text.hpp>

#include "ascii.h"

namespace portal {
namespace {

// A JSON string literal that cannot end the <script> element it is written into.
std::string script_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::optional<Catalogue> Catalogue::parse(std::string_view name, std::string_view text,
                                          std::string& error) {
  Catalogue out;
  int number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = mvne::toolkit::trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    std::string_view key = mvne::toolkit::trim(line.substr(0, eq == std::string_view::npos ? 0 : eq));
    if (eq == std::string_view::npos || key.empty()) {
      error = std::string(name) + ":" + std::to_string(number) + ": expected key = value";
      return std::nullopt;
    }
    out.entries_[std::string(key)] = std::string(mvne::toolkit::trim(line.substr(eq + 1)));
  }
  return out;
}

const std::string& Catalogue::text(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? key : it->second;
}

std::string Catalogue::json() const {
  std::string out = "{";
  for (const auto& [key, value] : entries_) {
    if (out.size() > 1) out += ',';
    out += script_string(key) + ":" + script_string(value);
  }
  return out + "}";
}

std::string negotiate(const std::optional<std::string>& chosen,
                      const std::optional<std::string>& accept_language,
                      const std::string& fallback) {
  for (std::string_view lang : kLanguages)
    if (chosen && *chosen == lang) return std::string(lang);
  std::string best = fallback;
  double best_q = 0;
  std::string_view rest = accept_language ? std::string_view(*accept_language) : "";
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t semi = item.find(';');
    std::string tag = ascii_lower(mvne::toolkit::trim(item.substr(0, semi)));
    double q = 1;
    if (semi != std::string_view::npos) {
      std::string_view param = mvne::toolkit::trim(item.substr(semi + 1));
      if (param.substr(0, 2) == "q=") q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
    }
    std::string primary = tag.substr(0, tag.find('-'));
    for (std::string_view lang : kLanguages)
      if (primary == lang && q > best_q) best = std::string(lang), best_q = q;
  }
  return best;
}

}  // namespace portal
