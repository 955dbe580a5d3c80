// nginx (Debian) on loopback as a reverse proxy in front of one host or as the load
// balancer of several (round robin), in one of two set-ups:
//  - kCarelessCache: a shared cache as a careless operator configures it: every 200 kept for
//    ten minutes, nothing else said, the cache key nginx's default
//    ($scheme$proxy_host$request_uri: no cookie, no Authorization in it). Each response says
//    what the cache did in X-Cache-Status (HIT, MISS, BYPASS, ...);
//  - kBalancer: no cache; a host that does not answer is skipped for the next one.
// Stopped and its directory removed when the object goes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace mvne::testing {

class NginxProxy {
 public:
  enum Mode { kCarelessCache, kBalancer };
  // Throws with nginx's error log when it does not answer within 10 s.
  NginxProxy(const std::vector<uint16_t>& upstreams, Mode mode);
  ~NginxProxy();
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mvne::testing
