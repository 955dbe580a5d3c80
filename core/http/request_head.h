// What the host takes from a request's head before any handler runs: the bound on its size,
// and its target split into the percent-decoded path (which must be UTF-8) and the raw query.
// Shared by the server and the fuzz target that feeds it arbitrary bytes.
#pragma once

#include <cstdint>
#include <string>

namespace mvne::http {

// Bytes of request line and header fields a request may have; past it, 431.
inline constexpr uint32_t kHeaderLimit = 16 * 1024;

struct RequestTarget {
  std::string path;   // percent-decoded; "(not UTF-8)" when it is not
  std::string query;  // as sent, not decoded
  std::string error;  // why the target cannot be served (answered 400); "" when it can
};

RequestTarget split_target(const std::string& target);

}  // namespace mvne::http
