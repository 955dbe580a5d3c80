#include "plugins/data_sessions/radius.h"

#include <openssl/evp.h>

#include <cstring>

namespace data_sessions::radius {
namespace {

constexpr uint8_t kVendorSpecific = 26;

std::array<uint8_t, 16> md5(std::string_view a, std::string_view b) {
  std::array<uint8_t, 16> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

uint16_t length_field(std::string_view bytes) {
  return static_cast<uint16_t>((static_cast<uint8_t>(bytes[2]) << 8) |
                               static_cast<uint8_t>(bytes[3]));
}

// Splits a Vendor-Specific value into (vendor, type, value) sub-attributes (RFC 2865 5.26
// suggested format). Vendors with another format keep the raw attribute.
bool split_vsa(std::string_view value, std::vector<Attribute>& out) {
  if (value.size() < 4) return false;
  uint32_t vendor = (static_cast<uint32_t>(static_cast<uint8_t>(value[0])) << 24) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(value[1])) << 16) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(value[2])) << 8) |
                    static_cast<uint32_t>(static_cast<uint8_t>(value[3]));
  std::vector<Attribute> subs;
  for (size_t at = 4; at < value.size();) {
    if (value.size() - at < 2) return false;
    uint8_t type = static_cast<uint8_t>(value[at]);
    uint8_t len = static_cast<uint8_t>(value[at + 1]);
    if (len < 2 || at + len > value.size()) return false;
    subs.push_back({kVendorSpecific, value.substr(at + 2, len - 2), vendor, type});
    at += len;
  }
  out.insert(out.end(), subs.begin(), subs.end());
  return true;
}

}  // namespace

const Attribute* Packet::find(uint8_t type, uint32_t vendor, uint8_t vendor_type) const {
  for (const Attribute& a : attributes) {
    if (a.type == type && a.vendor == vendor && a.vendor_type == vendor_type) return &a;
  }
  return nullptr;
}

std::optional<Packet> parse(std::string_view bytes, std::string& error) {
  if (bytes.size() < kHeaderSize) {
    error = "packet of " + std::to_string(bytes.size()) + " bytes is shorter than the header";
    return std::nullopt;
  }
  uint16_t length = length_field(bytes);
  if (length < kHeaderSize || length > kMaxPacket) {
    error = "length field " + std::to_string(length) + " is outside 20..4096";
    return std::nullopt;
  }
  if (length > bytes.size()) {
    error = "length field " + std::to_string(length) + " exceeds the " +
            std::to_string(bytes.size()) + " bytes received";
    return std::nullopt;
  }
  bytes = bytes.substr(0, length);  // octets past Length are padding (RFC 2865 3)
  Packet p;
  p.code = static_cast<uint8_t>(bytes[0]);
  p.identifier = static_cast<uint8_t>(bytes[1]);
  std::memcpy(p.authenticator.data(), bytes.data() + 4, 16);
  for (size_t at = kHeaderSize; at < bytes.size();) {
    if (bytes.size() - at < 2) {
      error = "truncated attribute at offset " + std::to_string(at);
      return std::nullopt;
    }
    uint8_t type = static_cast<uint8_t>(bytes[at]);
    uint8_t len = static_cast<uint8_t>(bytes[at + 1]);
    if (len < 2 || at + len > bytes.size()) {
      error = "attribute " + std::to_string(type) + " at offset " + std::to_string(at) +
              " has length " + std::to_string(len);
      return std::nullopt;
    }
    std::string_view value = bytes.substr(at + 2, len - 2);
    if (type != kVendorSpecific || !split_vsa(value, p.attributes)) {
      p.attributes.push_back({type, value, 0, 0});
    }
    at += len;
  }
  return p;
}

bool request_authenticator_valid(std::string_view bytes, std::string_view secret) {
  if (bytes.size() < kHeaderSize) return false;
  uint16_t length = length_field(bytes);
  if (length < kHeaderSize || length > bytes.size()) return false;
  std::string copy(bytes.substr(0, length));
  std::string_view given = std::string_view(bytes).substr(4, 16);
  std::memset(copy.data() + 4, 0, 16);
  auto expected = md5(copy, secret);
  // Constant time: the comparison does not stop at the first difference.
  uint8_t diff = 0;
  for (size_t i = 0; i < 16; ++i) diff |= static_cast<uint8_t>(given[i]) ^ expected[i];
  return diff == 0;
}

std::string accounting_response(const Packet& request, std::string_view secret) {
  std::string out(kHeaderSize, '\0');
  out[0] = static_cast<char>(kAccountingResponse);
  out[1] = static_cast<char>(request.identifier);
  out[2] = 0;
  out[3] = static_cast<char>(kHeaderSize);
  std::memcpy(out.data() + 4, request.authenticator.data(), 16);
  auto auth = md5(out, secret);
  std::memcpy(out.data() + 4, auth.data(), 16);
  return out;
}

std::string accounting_request(uint8_t identifier,
                               const std::vector<std::pair<uint8_t, std::string>>& attributes,
                               std::string_view secret) {
  std::string out(kHeaderSize, '\0');
  out[0] = static_cast<char>(kAccountingRequest);
  out[1] = static_cast<char>(identifier);
  for (const auto& [type, value] : attributes) {
    out += static_cast<char>(type);
    out += static_cast<char>(value.size() + 2);
    out += value;
  }
  out[2] = static_cast<char>(out.size() >> 8);
  out[3] = static_cast<char>(out.size() & 0xff);
  auto auth = md5(out, secret);
  std::memcpy(out.data() + 4, auth.data(), 16);
  return out;
}

}  // namespace data_sessions::radius
