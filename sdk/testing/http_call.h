// One HTTP/1.1 exchange with the test host's front end on 127.0.0.1 (POCO client).
#pragma once

#include <mvne/testing/test_host.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mvne::testing {

// Throws std::runtime_error on a refused connection, a reset or no reply within 30 s.
Response http_call(uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace mvne::testing
