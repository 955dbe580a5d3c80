// libFuzzer target for the query strings of HTTP requests as handlers see them (parse_query):
// any bytes must give parameters, never a crash; and the parameters, written back as a query
// with every byte escaped, must read back as the same parameters.
#include <Poco/URI.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/http/incoming_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string query(reinterpret_cast<const char*>(data), size);
  auto params = mvne::http::parse_query(query);
  std::string again;
  for (const auto& [name, value] : params) {
    std::string k, v;
    Poco::URI::encode(name, "&=+#%;", k);
    Poco::URI::encode(value, "&=+#%;", v);
    again += (again.empty() ? "" : "&") + k + "=" + v;
  }
  if (mvne::http::parse_query(again) != params) __builtin_trap();
  return 0;
}
