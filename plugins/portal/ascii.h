// ASCII case folding, for header values, host names and language tags.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace portal {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace portal
