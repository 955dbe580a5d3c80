#include "plugins/data_sessions/clients.h"

#include <arpa/inet.h>

#include <sstream>

namespace data_sessions {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::optional<uint32_t> ipv4(const std::string& text) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

}  // namespace

// Errors name an entry by its position, never by its text: after a mistyped separator any
// part of an entry may be secret (a secret with a comma splits into two entries).
std::optional<Clients> Clients::parse(const std::string& spec, std::string& error) {
  Clients clients;
  std::stringstream items(spec);
  int position = 0;
  for (std::string item; std::getline(items, item, ',');) {
    ++position;
    item = trim(item);
    if (item.empty()) continue;
    const std::string where = "client entry " + std::to_string(position) +
                              " (entries are separated by commas; a secret cannot contain one)";
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq + 1 == item.size()) {
      error = where + ": expected ADDRESS[/BITS]=SECRET";
      return std::nullopt;
    }
    Entry e;
    e.secret = item.substr(eq + 1);
    std::string address = trim(item.substr(0, eq));
    size_t slash = address.find('/');
    int bits = 32;
    if (slash != std::string::npos) {
      try {
        bits = std::stoi(address.substr(slash + 1));
      } catch (...) {
        bits = -1;
      }
      address = address.substr(0, slash);
    }
    if (auto v4 = ipv4(address); v4 && bits >= 0 && bits <= 32) {
      e.mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
      e.network = *v4 & e.mask;
    } else if (slash == std::string::npos && address.find(':') != std::string::npos) {
      e.exact = address;
    } else {
      error = where +
              ": the address is not an IPv4 address/CIDR (prefix 0 to 32) or an IPv6 "
              "address";
      return std::nullopt;
    }
    clients.entries_.push_back(std::move(e));
  }
  if (clients.entries_.empty()) {
    error = "no clients";
    return std::nullopt;
  }
  return clients;
}

std::optional<std::string> Clients::secret_for(const std::string& peer) const {
  std::string address = peer.substr(0, peer.rfind(':'));
  auto v4 = ipv4(address);
  for (const Entry& e : entries_) {
    if (e.exact.empty() ? v4 && (*v4 & e.mask) == e.network : address == e.exact) return e.secret;
  }
  return std::nullopt;
}

}  // namespace data_sessions
