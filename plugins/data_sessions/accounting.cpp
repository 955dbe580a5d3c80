#include "plugins/data_sessions/accounting.h"

#include <cstdio>
#include <sstream>

namespace data_sessions {
namespace {

enum Attr : uint8_t {
  kUserName = 1,
  kFramedIp = 8,
  kFilterId = 11,
  kCalledStationId = 30,
  kCallingStationId = 31,
  kStatusType = 40,
  kDelayTime = 41,
  kInputOctets = 42,
  kOutputOctets = 43,
  kSessionId = 44,
  kSessionTime = 46,
  kTerminateCause = 49,
  kInputGigawords = 52,
  kOutputGigawords = 53,
  kEventTimestamp = 55,
  kVendorSpecific = 26
};
constexpr uint32_t k3gpp = 10415;

std::optional<uint32_t> u32(const radius::Attribute* a) {
  if (a == nullptr || a->value.size() != 4) return std::nullopt;
  const auto* b = reinterpret_cast<const unsigned char*>(a->value.data());
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

std::string text(const radius::Attribute* a) { return a ? std::string(a->value) : ""; }

const char* cause_name(uint32_t cause) {
  static const char* const kNames[] = {"",
                                       "User-Request",
                                       "Lost-Carrier",
                                       "Lost-Service",
                                       "Idle-Timeout",
                                       "Session-Timeout",
                                       "Admin-Reset",
                                       "Admin-Reboot",
                                       "Port-Error",
                                       "NAS-Error",
                                       "NAS-Request",
                                       "NAS-Reboot",
                                       "Port-Unneeded",
                                       "Port-Preempted",
                                       "Port-Suspended",
                                       "Service-Unavailable",
                                       "Callback",
                                       "User-Error",
                                       "Host-Request"};
  return cause < sizeof kNames / sizeof kNames[0] ? kNames[cause] : nullptr;
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::kStart:
      return "Start";
    case Status::kStop:
      return "Stop";
    case Status::kInterim:
      return "Interim-Update";
    case Status::kAccountingOn:
      return "Accounting-On";
    case Status::kAccountingOff:
      return "Accounting-Off";
  }
  return "?";
}

std::optional<AccountingEvent> decode(const radius::Packet& p, const SpeedRule& speed,
                                      int64_t received_us, std::string& error) {
  AccountingEvent e;
  auto status = u32(p.find(kStatusType));
  if (!status) {
    error = "malformed: no Acct-Status-Type";
    return std::nullopt;
  }
  switch (*status) {
    case 1:
      e.status = Status::kStart;
      break;
    case 2:
      e.status = Status::kStop;
      break;
    case 3:
      e.status = Status::kInterim;
      break;
    case 7:
      e.status = Status::kAccountingOn;
      break;
    case 8:
      e.status = Status::kAccountingOff;
      break;
    default:
      error = "unsupported_status: Acct-Status-Type " + std::to_string(*status);
      return std::nullopt;
  }
  auto timestamp = u32(p.find(kEventTimestamp));
  int64_t delay = u32(p.find(kDelayTime)).value_or(0);
  e.at_us = timestamp ? int64_t{*timestamp} * 1000000 : received_us - delay * 1000000;
  if (e.status == Status::kAccountingOn || e.status == Status::kAccountingOff) return e;

  e.session_id = text(p.find(kSessionId));
  if (e.session_id.empty()) {
    error = "malformed: no Acct-Session-Id";
    return std::nullopt;
  }
  e.user_name = text(p.find(kUserName));
  e.msisdn = text(p.find(kCallingStationId));
  e.apn = text(p.find(kCalledStationId));
  e.imsi = text(p.find(kVendorSpecific, k3gpp, 1));
  if (e.msisdn.empty() && e.imsi.empty()) {
    error = "malformed: no Calling-Station-Id and no 3GPP-IMSI";
    return std::nullopt;
  }
  if (auto ip = p.find(kFramedIp); ip != nullptr && ip->value.size() == 4) {
    const auto* b = reinterpret_cast<const unsigned char*>(ip->value.data());
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    e.framed_ip = buf;
  }
  e.input_octets = (uint64_t{u32(p.find(kInputGigawords)).value_or(0)} << 32) |
                   u32(p.find(kInputOctets)).value_or(0);
  e.output_octets = (uint64_t{u32(p.find(kOutputGigawords)).value_or(0)} << 32) |
                    u32(p.find(kOutputOctets)).value_or(0);
  e.session_time_s = u32(p.find(kSessionTime)).value_or(0);
  if (auto cause = u32(p.find(kTerminateCause))) {
    const char* name = cause_name(*cause);
    e.terminate_cause = name && *name ? name : std::to_string(*cause);
  }
  if (const radius::Attribute* tier = p.find(speed.type, speed.vendor, speed.vendor_type)) {
    e.high_speed = false;
    for (const auto& v : speed.high_values) e.high_speed = e.high_speed || tier->value == v;
  }
  return e;
}

std::optional<SpeedRule> parse_speed_rule(const std::string& attribute, const std::string& high) {
  SpeedRule rule;
  unsigned type = 0, vendor = 0, vendor_type = 0;
  char extra = 0;
  if (std::sscanf(attribute.c_str(), "26:%u:%u%c", &vendor, &vendor_type, &extra) == 2 &&
      vendor_type > 0 && vendor_type < 256) {
    rule.type = kVendorSpecific;
    rule.vendor = vendor;
    rule.vendor_type = static_cast<uint8_t>(vendor_type);
  } else if (std::sscanf(attribute.c_str(), "%u%c", &type, &extra) == 1 && type > 0 && type < 256 &&
             type != kVendorSpecific) {
    rule.type = static_cast<uint8_t>(type);
  } else {
    return std::nullopt;
  }
  rule.high_values.clear();
  std::stringstream values(high);
  for (std::string v; std::getline(values, v, ',');) {
    if (!v.empty()) rule.high_values.push_back(v);
  }
  return rule;
}

}  // namespace data_sessions
