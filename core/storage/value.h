// Values bound to and read from SQL statements: NULL, integer, real or text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mvne::storage {

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;
using Params = std::vector<Value>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }
int64_t as_int(const Value& v);       // 0 for NULL; parses text
double as_double(const Value& v);     // 0 for NULL
std::string as_text(const Value& v);  // "" for NULL

}  // namespace mvne::storage
