#include "core/http/request_id.h"

#include <sodium.h>

#include <atomic>
#include <cstdio>

namespace mvne::http {
namespace {

uint32_t process_nonce() {
  static const uint32_t nonce = [] {
    if (sodium_init() < 0) return uint32_t{0x6d766e65};
    return randombytes_random();
  }();
  return nonce;
}

std::atomic<uint64_t> counter{0};

}  // namespace

std::string next_request_id() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x-%08llx", process_nonce(),
                static_cast<unsigned long long>(counter.fetch_add(1) + 1));
  return buf;
}

}  // namespace mvne::http
