// Request ids: a random per-process prefix and a counter, unique without shared state
// beyond one atomic.
#pragma once

#include <string>

namespace mvne::http {

std::string next_request_id();

}  // namespace mvne::http
