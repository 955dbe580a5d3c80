// Times an operator types on mvnectl's command line or in an import file, under one rule
// (the one the tenant API follows): a date ("2026-10-01") is the start of that day in the
// tenant's time zone, a time without offset is the tenant's local time, and a time with Z or
// an offset is that instant. Without a tenant, the zone is UTC. Times are printed back with
// the offset the operator wrote (for a date or a local time: the tenant's offset then).
#pragma once

#include <cstdint>
#include <string>

#include "core/common/status.h"

namespace mvne::ctl {

struct OperatorTime {
  int64_t us = 0;
  int32_t offset_s = 0;  // what to print it with
};

// Reads `text`, the value of `what` ("--from", "valid_to", ...), in `zone` ("" for UTC).
// The error names `what`, the text and why.
StatusOr<OperatorTime> read_operator_time(const std::string& what, const std::string& text,
                                          const std::string& zone);

// `message` with each UTC time in it ("2026-09-30T15:00:00Z") written at `offset_s`.
std::string times_at_offset(const std::string& message, int32_t offset_s);

}  // namespace mvne::ctl
