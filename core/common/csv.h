// RFC 4180 CSV: fields separated by commas, optionally quoted with "" for a quote inside.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace mvne {

// Splits one line into fields; fails on an unterminated quote.
StatusOr<std::vector<std::string>> parse_csv_line(std::string_view line);

// Quotes a field when it needs it.
std::string csv_field(std::string_view value);

}  // namespace mvne
