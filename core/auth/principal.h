// Who a call is made for. Set by the host from authentication, never by a plugin.
#pragma once

#include <cstdint>
#include <string>

namespace mvne::auth {

struct Principal {
  enum class Kind { kNone, kTenant, kConsumer, kOperator };
  Kind kind = Kind::kNone;
  int64_t tenant_id = 0;
  std::string tenant_code;
  std::string time_zone;      // the tenant's IANA zone, for calendar periods
  int64_t subscriber_id = 0;  // consumers only
  std::string account_id;     // consumers only
  std::string name;           // operators: who; keys: the key id

  // "tenant:acme", "consumer:acme/u1", "operator:alice" or "anonymous"; used in the audit log.
  std::string describe() const;
};

}  // namespace mvne::auth
