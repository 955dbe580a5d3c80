// RADIUS packets (RFC 2865 framing, RFC 2866 accounting): parsing with every length checked,
// the Request Authenticator of an Accounting-Request, and the Accounting-Response. No I/O:
// bytes in, bytes out. MD5 comes from OpenSSL's libcrypto.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace data_sessions::radius {

enum Code : uint8_t { kAccountingRequest = 4, kAccountingResponse = 5 };

constexpr size_t kHeaderSize = 20;
constexpr size_t kMaxPacket = 4096;

struct Attribute {
  uint8_t type = 0;
  std::string_view value;   // points into the packet bytes
  uint32_t vendor = 0;      // Vendor-Specific (26): the vendor id
  uint8_t vendor_type = 0;  // and the vendor's attribute type
};

struct Packet {
  uint8_t code = 0;
  uint8_t identifier = 0;
  std::array<uint8_t, 16> authenticator{};
  std::vector<Attribute> attributes;  // Vendor-Specific ones split into their sub-attributes

  // The first attribute of `type` (and vendor/vendor_type for VSAs), or nullptr.
  const Attribute* find(uint8_t type, uint32_t vendor = 0, uint8_t vendor_type = 0) const;
};

// Parses `bytes` (which must outlive the packet). On failure returns nullopt and sets
// `error` to the reason ("length field 300 exceeds the 120 bytes received", ...).
std::optional<Packet> parse(std::string_view bytes, std::string& error);

// True when the Request Authenticator of the Accounting-Request `bytes` is
// MD5(Code + Identifier + Length + 16 zero octets + Attributes + secret).
bool request_authenticator_valid(std::string_view bytes, std::string_view secret);

// An Accounting-Response to `request` without attributes, with its Response Authenticator
// MD5(Code + Identifier + Length + Request Authenticator + secret).
std::string accounting_response(const Packet& request, std::string_view secret);

// Builds an Accounting-Request with a valid Request Authenticator (tests and benchmarks).
std::string accounting_request(uint8_t identifier,
                               const std::vector<std::pair<uint8_t, std::string>>& attributes,
                               std::string_view secret);

}  // namespace data_sessions::radius
