#include "core/storage/conflicts.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

namespace mvne::storage {

bool is_conflict(const Status& st) {
  return st.message().find("Deadlock") != std::string::npos ||
         st.message().find("Lock wait timeout") != std::string::npos;
}

Status run_again_on_conflict(const std::function<Status()>& attempt) {
  constexpr int kAttempts = 16;
  Status st = Status::Ok();
  for (int n = 0; n < kAttempts; ++n) {
    if (n > 0) {
      const uint32_t spread_us = std::min(64000u, 500u << std::min(n, 8));
      std::this_thread::sleep_for(std::chrono::microseconds(200 + randombytes_uniform(spread_us)));
    }
    st = attempt();
    if (!is_conflict(st)) break;
  }
  return st;
}

}  // namespace mvne::storage
