// What an Accounting-Request says (RFC 2866, 3GPP TS 29.061): the session, the line, the
// cumulative counters, when, and the speed tier from the configured attribute.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugins/data_sessions/radius.h"

namespace data_sessions {

enum class Status { kStart, kStop, kInterim, kAccountingOn, kAccountingOff };

const char* status_name(Status s);

// Which attribute tells a high-speed session from a low-speed one, and its high values.
struct SpeedRule {
  uint8_t type = 11;  // Filter-Id
  uint32_t vendor = 0;
  uint8_t vendor_type = 0;
  std::vector<std::string> high_values = {"high"};
};

struct AccountingEvent {
  Status status = Status::kStart;
  std::string session_id, user_name, msisdn, apn, imsi, framed_ip, terminate_cause;
  bool high_speed = true;
  uint64_t input_octets = 0, output_octets = 0;  // with the gigawords
  int64_t session_time_s = 0;
  int64_t at_us = 0;  // Event-Timestamp, else arrival minus Acct-Delay-Time
};

// Reads the event from an Accounting-Request; nullopt with `error` ("reason: details").
std::optional<AccountingEvent> decode(const radius::Packet& packet, const SpeedRule& speed,
                                      int64_t received_us, std::string& error);

// "11" (an attribute number) or "26:10415:13" (vendor, vendor type); nullopt when malformed.
std::optional<SpeedRule> parse_speed_rule(const std::string& attribute, const std::string& high);

}  // namespace data_sessions
