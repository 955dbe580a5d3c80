// nginx (Debian) on loopback as a shared caching reverse proxy in front of `upstream`, set up
// as a careless operator would: every 200 kept for ten minutes, nothing else said, the cache
// key nginx's default ($scheme$proxy_host$request_uri: no cookie, no Authorization in it).
// Each response says what the cache did in X-Cache-Status (HIT, MISS, BYPASS, ...). Stopped
// and its directory removed when the object goes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "tests/support/temp_dir.h"

namespace mvne::testing {

class NginxCache {
 public:
  // Throws with nginx's error log when it does not answer within 10 s.
  explicit NginxCache(uint16_t upstream);
  ~NginxCache();
  NginxCache(const NginxCache&) = delete;
  NginxCache& operator=(const NginxCache&) = delete;

  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mvne::testing
