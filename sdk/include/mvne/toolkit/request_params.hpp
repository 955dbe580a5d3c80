// The conventions of the tenant API, shared by the record plugins: JSON text, error bodies
// ({"error": {"code", "message", "parameter"}}), query parameters (unknown ones refused,
// times, dates, phone numbers), CSV negotiation and value formatting.
#pragma once

#include <mvne/plugin.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mvne::toolkit {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// `s` as a JSON string literal, quotes included.
std::string json_string(std::string_view s);
// A number with at most 4 decimals, without trailing zeros.
std::string number(double v);
// Value `i` of a row as CSV text (empty for NULL) or JSON.
std::string cell(const RowView& row, size_t i, int32_t type, bool json);

Status write_error(RequestContext& rc, int status, std::string_view code, std::string_view message,
                   std::string_view parameter = {});
// 404 for a path below a route's prefix that is no resource of it.
Status not_found(RequestContext& rc);

struct BadParameter {
  std::string parameter, message;
};

// A parameter not in `known`, if any.
std::optional<BadParameter> check_known(const RequestContext& rc,
                                        const std::vector<std::string>& known);
// `name` as an ISO 8601 time with offset, or a date in the tenant's zone (its start, or its
// end when `end`); `out` is left alone when the parameter is absent.
std::optional<BadParameter> time_param(const RequestContext& rc, const char* name, bool end,
                                       int64_t& out);
bool is_msisdn(std::string_view s);
bool wants_csv(const RequestContext& rc);

}  // namespace mvne::toolkit
