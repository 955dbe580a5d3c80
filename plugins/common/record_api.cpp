#include "plugins/common/record_api.h"

#include <cstdio>
#include <limits>
#include <map>

#include "plugins/common/text.h"

namespace mvne::plugins {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
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
                   std::string_view parameter = {}) {
  rc.set_status(status);
  rc.set_header("Content-Type", "application/json");
  std::string body =
      "{\"error\":{\"code\":" + json_string(code) + ",\"message\":" + json_string(message);
  if (!parameter.empty()) body += ",\"parameter\":" + json_string(parameter);
  return rc.write(body + "}}");
}

struct BadParameter {
  std::string parameter, message;
};

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

mvne_query base_query(const RecordView& view) {
  mvne_query q{};
  q.struct_size = sizeof q;
  q.kind = to_str(view.kind);
  q.from_us = kMin;
  q.to_us = kMax;
  return q;
}

std::string csv_header(const RecordView& view) {
  std::string out;
  for (size_t i = 0; i < view.fields.size(); ++i) {
    if (i) out += ',';
    out += view.fields[i].name;
  }
  return out + "\n";
}

}  // namespace

Status serve_list(RequestContext& rc, const RecordView& view) {
  mvne_query q = base_query(view);
  std::optional<BadParameter> bad = check_known(rc, {"from", "to", "msisdn", "limit", "cursor"});
  if (!bad) bad = time_param(rc, "from", false, q.from_us);
  if (!bad) bad = time_param(rc, "to", true, q.to_us);
  if (!bad && q.from_us >= q.to_us) bad = BadParameter{"to", "to: must be after from"};
  std::string msisdn = rc.query_param("msisdn").value_or("");
  mvne_filter filter{};
  if (!bad && rc.query_param("msisdn")) {
    if (!is_msisdn(msisdn)) {
      bad = BadParameter{"msisdn", "msisdn: expected a phone number (digits, optional +)"};
    } else {
      filter = {to_str(view.line_field), MVNE_FILTER_EQ, text_value(msisdn)};
      q.filters = &filter;
      q.filter_count = 1;
    }
  }
  q.limit = 100;
  if (!bad) {
    if (auto limit = rc.query_param("limit")) {
      auto n = parse_int(*limit);
      if (!n || *n < 1 || *n > 1000) {
        bad = BadParameter{"limit", "limit: a number from 1 to 1000"};
      } else {
        q.limit = static_cast<uint32_t>(*n);
      }
    }
  }
  std::string cursor = rc.query_param("cursor").value_or("");
  q.cursor = to_str(cursor);
  if (bad) return write_error(rc, 400, "bad_parameter", bad->message, bad->parameter);

  std::unique_ptr<Cursor> rows;
  Status st = open_query(rc, q, rows);
  if (!st.ok() && st.code() == MVNE_ERR_INVALID_ARGUMENT && !cursor.empty()) {
    return write_error(rc, 400, "bad_parameter", "cursor: not a cursor from a previous page",
                       "cursor");
  }
  if (!st.ok()) return st;
  const bool csv = wants_csv(rc);
  std::string body = csv ? csv_header(view) : "{\"" + view.collection + "\":[";
  bool first = true;
  st = rows->each([&](const RowView& row) {
    if (!csv) body += first ? "{" : ",{";
    for (size_t i = 0; i < view.fields.size(); ++i) {
      if (csv) {
        if (i) body += ',';
      } else {
        body += (i ? ",\"" : "\"") + std::string(view.fields[i].name) + "\":";
      }
      body += cell(row, i, view.fields[i].type, !csv);
    }
    body += csv ? "\n" : "}";
    first = false;
  });
  if (!st.ok()) return st;
  std::string next = rows->next_page();
  if (csv) {
    rc.set_header("Content-Type", "text/csv; charset=utf-8");
    if (!next.empty()) rc.set_header("X-Next-Cursor", next);
  } else {
    rc.set_header("Content-Type", "application/json");
    body += "],\"next_cursor\":" + (next.empty() ? std::string("null") : json_string(next)) + "}";
  }
  return rc.write(body);
}

Status serve_summary(RequestContext& rc, const RecordView& view,
                     const std::vector<SummaryColumn>& columns) {
  std::optional<BadParameter> bad = check_known(rc, {"month"});
  auto month = rc.query_param("month");
  mvne_query q = base_query(view);
  if (!bad && !month) bad = BadParameter{"month", "month: required, as YYYY-MM"};
  if (!bad && (month->size() != 7 || !rc.local_period(*month, q.from_us, q.to_us).ok()))
    bad = BadParameter{"month", "month: expected YYYY-MM"};
  if (bad) return write_error(rc, 400, "bad_parameter", bad->message, bad->parameter);

  // line -> one value per column, each column read with one grouped query.
  std::map<std::string, std::vector<std::string>> lines;
  std::vector<double> totals(columns.size(), 0);
  for (size_t c = 0; c < columns.size(); ++c) {
    mvne_query agg = q;
    agg.aggregate = columns[c].aggregate;
    agg.sum_field = to_str(columns[c].field);
    agg.group_by = MVNE_GROUP_LINE;
    agg.limit = 10000;
    bool real = false;
    for (const Field& f : view.fields) {
      real = real || (columns[c].aggregate == MVNE_AGG_SUM && f.name == columns[c].field &&
                      f.type == MVNE_FIELD_DOUBLE);
    }
    std::unique_ptr<Cursor> rows;
    if (Status st = open_query(rc, agg, rows); !st.ok()) return st;
    Status st = rows->each([&](const RowView& row) {
      auto& values = lines[std::string(row.text(0))];
      values.resize(columns.size(), "0");
      double v = row.is_null(1) ? 0 : real ? row.real(1) : static_cast<double>(row.integer(1));
      values[c] = real ? number(v) : std::to_string(row.integer(1));
      totals[c] += v;
    });
    if (!st.ok()) return st;
  }
  const bool csv = wants_csv(rc);
  std::string body = csv ? "msisdn" : "{\"month\":" + json_string(*month) + ",\"lines\":[";
  if (csv) {
    for (const auto& c : columns) body += "," + c.name;
    body += "\n";
  }
  bool first = true;
  for (auto& [line, values] : lines) {
    values.resize(columns.size(), "0");
    if (csv) {
      body += line;
      for (const auto& v : values) body += "," + v;
      body += "\n";
      continue;
    }
    body += std::string(first ? "" : ",") + "{\"msisdn\":" + json_string(line);
    for (size_t c = 0; c < columns.size(); ++c) body += ",\"" + columns[c].name + "\":" + values[c];
    body += "}";
    first = false;
  }
  if (csv) {
    rc.set_header("Content-Type", "text/csv; charset=utf-8");
    return rc.write(body);
  }
  body += "],\"totals\":{";
  for (size_t c = 0; c < columns.size(); ++c)
    body += std::string(c ? "," : "") + "\"" + columns[c].name + "\":" + number(totals[c]);
  rc.set_header("Content-Type", "application/json");
  return rc.write(body + "}}");
}

Status write_csv_export(ExportContext& ec, const RecordView& view) {
  if (Status st = ec.write(csv_header(view), 0); !st.ok()) return st;
  mvne_query q = base_query(view);
  q.from_us = ec.from();
  q.to_us = ec.to();
  q.limit = 5000;
  std::string cursor;
  do {
    q.cursor = to_str(cursor);
    std::unique_ptr<Cursor> rows;
    if (Status st = open_query(ec, q, rows); !st.ok()) return st;
    std::string chunk;
    uint64_t count = 0;
    Status st = rows->each([&](const RowView& row) {
      for (size_t i = 0; i < view.fields.size(); ++i) {
        if (i) chunk += ',';
        chunk += cell(row, i, view.fields[i].type, false);
      }
      chunk += "\n";
      ++count;
    });
    if (!st.ok()) return st;
    if (count > 0) {
      if (Status w = ec.write(chunk, count); !w.ok()) return w;
    }
    cursor = rows->next_page();
  } while (!cursor.empty());
  return Status::Ok();
}

}  // namespace mvne::plugins
