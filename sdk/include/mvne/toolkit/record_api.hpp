// The tenant API and daily exports of a record kind, shared by the record plugins:
//   GET <prefix>          from, to, msisdn, limit, cursor; JSON or CSV (Accept: text/csv)
//   GET <prefix>/summary  month=YYYY-MM: totals per line for the tenant's calendar month
// and one CSV file per tenant and day. Every read goes through the host, which scopes it to
// the caller; errors are JSON {"error": {"code", "message", "parameter"}}.
#pragma once

#include <mvne/plugin.hpp>

#include <string>
#include <vector>

namespace mvne::toolkit {

struct RecordView {
  std::string kind;           // the record kind
  std::vector<Field> fields;  // as declared, in order: the columns of lists and exports
  std::string line_field;     // the field holding the line's MSISDN (filter and grouping)
  std::string collection;     // JSON key of the list, e.g. "cdrs"
};

// One column of a summary: COUNT(*) or SUM(field), per line.
struct SummaryColumn {
  std::string name;  // e.g. "calls"
  int32_t aggregate = MVNE_AGG_COUNT;
  std::string field;  // for MVNE_AGG_SUM
};

Status serve_list(RequestContext& rc, const RecordView& view);
Status serve_summary(RequestContext& rc, const RecordView& view,
                     const std::vector<SummaryColumn>& columns);
// Writes the export's rows (the period of `ec`) as CSV with a header line.
Status write_csv_export(ExportContext& ec, const RecordView& view);

}  // namespace mvne::toolkit
