#include "core/plugin/header_policy.h"

#include <array>
#include <cctype>

namespace mvne::plugin {
namespace {

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && same_header_name(s.substr(0, prefix.size()), prefix);
}

constexpr std::array<std::string_view, 8> kCredentialHeaders = {
    "authorization", "proxy-authorization", "cookie",       "cookie2",
    "x-api-key",     "x-auth-token",        "x-csrf-token", "x-xsrf-token"};

constexpr std::array<std::string_view, 6> kSettable = {"content-type",     "content-disposition",
                                                       "content-language", "retry-after",
                                                       "location",         "x-next-cursor"};

constexpr std::string_view kCustomPrefix = "x-mvne-";

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

bool same_header_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool is_credential_header(std::string_view name) {
  for (std::string_view c : kCredentialHeaders) {
    if (same_header_name(name, c)) return true;
  }
  return false;
}

std::string malformed_header(std::string_view name, std::string_view value) {
  if (!is_token(name)) return "not a header name";
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return "the value holds a control character";
  }
  if (value.size() > kMaxValue) {
    return "the value is longer than " + std::to_string(kMaxValue) + " bytes";
  }
  return {};
}

std::string unsettable_header(std::string_view name, std::string_view value) {
  bool settable = false;
  for (std::string_view s : kSettable) settable = settable || same_header_name(name, s);
  if (!settable && !(istarts_with(name, kCustomPrefix) && name.size() > kCustomPrefix.size())) {
    return "set by the host or not for plugins (a plugin sets Content-Type, "
           "Content-Disposition, Content-Language, Retry-After, Location, X-Next-Cursor and "
           "X-Mvne-* headers)";
  }
  bool on_this_host = !value.empty() && value[0] == '/' &&
                      (value.size() == 1 || (value[1] != '/' && value[1] != '\\'));
  if (same_header_name(name, "location") && !on_this_host) {
    return "Location must be a path on this host, starting with a single /";
  }
  return {};
}

}  // namespace mvne::plugin
