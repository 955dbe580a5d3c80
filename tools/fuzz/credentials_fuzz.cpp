// libFuzzer target for where requests carry credentials (request_credentials.h): any
// Authorization or Cookie value gives a token or "", never a crash. The first byte picks
// which: a bearer token is the value after "Bearer " exactly; a cookie's value is what
// follows its own name and '=' in one ';'-separated item, so it never holds a ';', and a
// cookie whose name only ends like the wanted one ("x__Host-mvne_session") is never taken.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/http/request_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string value(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    std::string token = mvne::http::bearer_token(value);
    if (!token.empty() && value != "Bearer " + token) __builtin_trap();
    if (token.empty() && value.rfind("Bearer ", 0) == 0 && value.size() > 7) __builtin_trap();
    return 0;
  }
  for (const std::string name : {"mvne_session", "__Host-mvne_session"}) {
    std::string got = mvne::http::cookie_value(value, name);
    if (got.find(';') != std::string::npos) __builtin_trap();
    // The oracle: the first ';'-separated item that, without its leading spaces, starts
    // with "name=" gives the value.
    std::string expected;
    for (size_t from = 0; from <= value.size();) {
      size_t end = value.find(';', from);
      if (end == std::string::npos) end = value.size();
      std::string item = value.substr(from, end - from);
      item.erase(0, std::min(item.size(), item.find_first_not_of(' ')));
      if (item.size() > name.size() && item.compare(0, name.size() + 1, name + "=") == 0) {
        expected = item.substr(name.size() + 1);
        break;
      }
      from = end + 1;
    }
    if (got != expected) __builtin_trap();
  }
  return 0;
}
