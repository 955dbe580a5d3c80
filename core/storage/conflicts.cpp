#include "core/storage/conflicts.h"

#include <sodium.h>

#include <algorithm>
#include <string>
#include <thread>

namespace mvne::storage {

bool is_conflict(const Status& st) {
  return st.message().find("Deadlock") != std::string::npos ||
         st.message().find("Lock wait timeout") != std::string::npos;
}

Status run_again_on_conflict(const std::function<Status()>& attempt) {
  const auto give_up = std::chrono::steady_clock::now() + kConflictBudget;
  Status st = attempt();
  for (int lost = 1; is_conflict(st) && std::chrono::steady_clock::now() < give_up; ++lost) {
    const uint32_t spread_us = std::min(64000u, 500u << std::min(lost, 7));
    std::this_thread::sleep_for(std::chrono::microseconds(200 + randombytes_uniform(spread_us)));
    st = attempt();
  }
  return st;
}

}  // namespace mvne::storage
