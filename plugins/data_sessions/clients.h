// The RADIUS clients (packet gateways) allowed to send accounting, by address or IPv4 CIDR,
// each with its shared secret: "127.0.0.1=testing123, 10.20.0.0/16=s3cret".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace data_sessions {

class Clients {
 public:
  // Fails (nullopt, `error` set) on a malformed entry; never echoes a secret.
  static std::optional<Clients> parse(const std::string& spec, std::string& error);
  // The secret for a peer "address:port", or nullopt for an unknown client.
  std::optional<std::string> secret_for(const std::string& peer) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string exact;  // IPv6 or other non-IPv4 text, matched as written
    uint32_t network = 0, mask = 0;
    std::string secret;
  };
  std::vector<Entry> entries_;
};

}  // namespace data_sessions
