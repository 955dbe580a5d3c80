#include "core/common/csv.h"

namespace mvne {

StatusOr<std::vector<std::string>> parse_csv_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> fields;
  std::string error;
  if (!toolkit::split_csv(line, fields, &error)) return Status::Invalid(error);
  return fields;
}

std::string csv_field(std::string_view value) {
  std::string out;
  toolkit::append_csv_field(out, value);
  return out;
}

}  // namespace mvne
