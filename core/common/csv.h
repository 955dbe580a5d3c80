// CSV for the host and mvnectl: the SDK toolkit's reader (mvne/toolkit/csv.hpp, the one
// parser of the platform; dialect in docs/input.md) with Status errors.
#pragma once

#include <mvne/toolkit/csv.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace mvne {

// Splits one record's text into fields; fails on an unclosed quote or text after a
// closing quote, saying which field.
StatusOr<std::vector<std::string>> parse_csv_line(std::string_view line);

// Quotes a field when it needs it.
std::string csv_field(std::string_view value);

}  // namespace mvne
