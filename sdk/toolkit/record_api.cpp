#include <mvne/toolkit/record_api.hpp>

#include <cstdio>
#include <limits>
#include <map>

#include <mvne/toolkit/request_params.hpp>
#include <mvne/toolkit/text.hpp>

namespace mvne::toolkit {
namespace {

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

}  // namespace mvne::toolkit
