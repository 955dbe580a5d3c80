#include <mvne/toolkit/request_params.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include <mvne/toolkit/text.hpp>

namespace mvne::toolkit {

std::string json_string(std::string_view s) {
  // Most values (times, numbers, codes) are printable ASCII with nothing to escape: quoted
  // as they are. Anything else goes through nlohmann/json, which escapes as RFC 8259 asks
  // and turns bytes that are not UTF-8 into U+FFFD.
  bool plain = true;
  for (char c : s) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (!plain) {
    return nlohmann::json(std::string(s))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// One value as CSV text (empty for NULL) or JSON.
std::string cell(const RowView& row, size_t i, int32_t type, bool json) {
  if (row.is_null(i)) return json ? "null" : "";
  switch (type) {
    case MVNE_FIELD_INT64:
      return std::to_string(row.integer(i));
    case MVNE_FIELD_DOUBLE:
      return number(row.real(i));
    case MVNE_FIELD_TIME:
      return json ? json_string(format_time(row.integer(i))) : format_time(row.integer(i));
    default:
      if (json) return json_string(row.text(i));
      std::string out;
      append_csv_field(out, row.text(i));
      return out;
  }
}

Status write_error(RequestContext& rc, int status, std::string_view code, std::string_view message,
                   std::string_view parameter) {
  rc.set_status(status);
  rc.set_header("Content-Type", "application/json");
  std::string body =
      "{\"error\":{\"code\":" + json_string(code) + ",\"message\":" + json_string(message);
  if (!parameter.empty()) body += ",\"parameter\":" + json_string(parameter);
  return rc.write(body + "}}");
}

Status not_found(RequestContext& rc) {
  return write_error(rc, 404, "not_found", "no such resource");
}

namespace {

// The names in a raw query string, for refusing the unknown ones.
std::vector<std::string> parameter_names(std::string_view query) {
  std::vector<std::string> names;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) names.emplace_back(pair.substr(0, pair.find('=')));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return names;
}

}  // namespace

std::optional<BadParameter> check_known(const RequestContext& rc,
                                        const std::vector<std::string>& known) {
  for (const std::string& name : parameter_names(rc.query())) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == name;
    if (!ok) return BadParameter{name, "unknown parameter '" + name + "'"};
  }
  return std::nullopt;
}

// `from`/`to`: an ISO 8601 time with offset, or a date in the tenant's zone (from: its
// start; to: its end, so that to=2026-11-30 includes that day).
std::optional<BadParameter> time_param(const RequestContext& rc, const char* name, bool end,
                                       int64_t& out) {
  auto value = rc.query_param(name);
  if (!value) return std::nullopt;
  if (auto t = parse_time(*value)) {
    out = *t;
    return std::nullopt;
  }
  int64_t from = 0, to = 0;
  if (value->size() == 10 && rc.local_period(*value, from, to).ok()) {
    out = end ? to : from;
    return std::nullopt;
  }
  return BadParameter{name, std::string(name) +
                                ": expected an ISO 8601 time with offset "
                                "(2026-11-02T09:30:00+09:00) or a date (2026-11-02)"};
}

bool is_msisdn(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool ok = (s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '+') || s[i] == '-';
    if (!ok) return false;
  }
  return true;
}

bool wants_csv(const RequestContext& rc) {
  auto accept = rc.header("Accept");
  return accept && accept->find("text/csv") != std::string::npos;
}

}  // namespace mvne::toolkit
