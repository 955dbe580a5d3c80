#include "tools/mvnectl/operator_time.h"

#include <regex>

#include "core/common/local_time.h"
#include "core/common/time.h"

namespace mvne::ctl {

StatusOr<OperatorTime> read_operator_time(const std::string& what, const std::string& text,
                                          const std::string& zone) {
  auto parsed = parse_time_text(text);
  if (!parsed.ok()) return Status::Invalid(what + ": " + parsed.status().message());
  OperatorTime out;
  if (parsed->has_offset) {
    out.us = parsed->us;
    out.offset_s = parsed->offset_s;
    return out;
  }
  // A date or a local time: parsed->us is its wall-clock reading taken as UTC.
  auto at = local_to_utc(zone, parsed->us);
  if (!at.ok()) return Status::Invalid(what + ": " + at.status().message());
  auto offset = utc_offset_at(zone, at.value());
  if (!offset.ok()) return Status::Invalid(what + ": " + offset.status().message());
  out.us = at.value();
  out.offset_s = offset.value();
  return out;
}

std::string times_at_offset(const std::string& message, int32_t offset_s) {
  if (offset_s == 0) return message;
  static const std::regex kUtc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  std::string out;
  auto begin = std::sregex_iterator(message.begin(), message.end(), kUtc);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += message.substr(last, static_cast<size_t>(it->position()) - last);
    auto us = parse_time_us(it->str());
    out += us.ok() ? format_time_us(us.value(), offset_s) : it->str();
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + message.substr(last);
}

}  // namespace mvne::ctl
