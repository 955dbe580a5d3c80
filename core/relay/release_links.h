// The sender's release and cancel links: a URL naming the held message, the action and an
// expiry, signed with HMAC-SHA-256 under a key kept in the database, so any host signs and
// checks them. A link works once: the state change it asks for happens at most once
// (hold_queue.h); after that, or past its expiry, it only says what became of the message.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::relay {

class ReleaseLinks {
 public:
  // Loads the key, creating it on first use (two hosts racing keep the first one's).
  static StatusOr<ReleaseLinks> open(storage::Database& db);

  // base + "/relay/v1/held/<id>/<action>?expires=<unix s>&sig=<hex>"
  std::string url(const std::string& base, int64_t id, const std::string& action,
                  int64_t expires_s) const;
  // Ok when `sig` signs (id, action, expires_s); Precondition when it does but the link has
  // expired; Invalid when it does not.
  Status check(int64_t id, const std::string& action, int64_t expires_s, const std::string& sig,
               int64_t now_s) const;

 private:
  std::string sign(int64_t id, const std::string& action, int64_t expires_s) const;
  std::array<unsigned char, 32> key_{};
};

}  // namespace mvne::relay
