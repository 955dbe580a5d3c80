// Tenants as the request path needs them (enabled plugins, time zone), read from the
// directory at most once per kCacheFor per tenant: a change made by mvnectl (a plugin enabled
// or disabled for a tenant) reaches the tenant API at most that much later.
#pragma once

#include <chrono>
#include <string>

#include "core/common/ttl_cache.h"
#include "core/tenancy/directory.h"

namespace mvne::tenancy {

class TenantCache {
 public:
  static constexpr std::chrono::milliseconds kCacheFor{1000};

  explicit TenantCache(Directory* directory) : directory_(directory), tenants_(kCacheFor, 100000) {}

  // As Directory::tenant().
  StatusOr<Tenant> tenant(const std::string& code) {
    return tenants_.get(code, [&] { return directory_->tenant(code); });
  }

 private:
  Directory* directory_;
  TtlCache<Tenant> tenants_;
};

}  // namespace mvne::tenancy
