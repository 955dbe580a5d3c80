/* UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 * Header-only C++17; part of the SDK toolkit, not of the plugin ABI. */
#ifndef MVNE_TOOLKIT_UTF8_HPP
#define MVNE_TOOLKIT_UTF8_HPP

#include <cstddef>
#include <string_view>

namespace mvne::toolkit {

/* The offset of the first byte of `text` that does not begin a valid UTF-8 sequence, or
 * std::string_view::npos when all of it is valid. */
inline size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace mvne::toolkit

#endif  // MVNE_TOOLKIT_UTF8_HPP
