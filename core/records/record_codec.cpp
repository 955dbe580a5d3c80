#include "core/records/record_codec.h"

#include <sodium.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace mvne::records {
namespace {

using nlohmann::json;
using storage::Value;

// "<type><length>:<bytes>" per value: n (null), i, d, s.
void append_value(std::string& out, const Value& v) {
  std::string body;
  char tag = 'n';
  if (auto* i = std::get_if<int64_t>(&v)) {
    tag = 'i';
    body = std::to_string(*i);
  } else if (auto* d = std::get_if<double>(&v)) {
    tag = 'd';
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    body = buf;
  } else if (auto* s = std::get_if<std::string>(&v)) {
    tag = 's';
    body = *s;
  }
  out += tag;
  out += std::to_string(body.size());
  out += ':';
  out += body;
}

}  // namespace

std::string payload_json(const storage::Row& record) {
  json out = json::array();
  for (const Value& v : record) {
    if (auto* i = std::get_if<int64_t>(&v))
      out.push_back(*i);
    else if (auto* d = std::get_if<double>(&v))
      out.push_back(*d);
    else if (auto* s = std::get_if<std::string>(&v))
      out.push_back(*s);
    else
      out.push_back(nullptr);
  }
  return out.dump();
}

storage::Row row_from_payload(const std::string& payload) {
  storage::Row row;
  for (const auto& v : json::parse(payload)) {
    if (v.is_number_integer())
      row.emplace_back(v.get<int64_t>());
    else if (v.is_number())
      row.emplace_back(v.get<double>());
    else if (v.is_string())
      row.emplace_back(v.get<std::string>());
    else
      row.emplace_back(std::monostate{});
  }
  return row;
}

std::string hex_hash(const std::string& data) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string dedup_key(const KindDef& k, int64_t tenant_id, const storage::Row& record) {
  std::string key = "dedup2|";
  append_value(key, tenant_id);
  for (size_t i : k.dedup) append_value(key, record[i]);
  return hex_hash(key);
}

std::string content_key(const KindDef& k, const storage::Row& record) {
  std::string key = "content2|";
  for (size_t i = 0; i < record.size(); ++i) {
    append_value(key, static_cast<int>(i) == k.charge ? Value{} : record[i]);
  }
  return hex_hash(key);
}

}  // namespace mvne::records
