// Streams a CSV spool file into records: one record at a time (the SDK toolkit's CsvReader:
// RFC 4180, any line ending, a BOM skipped), parsed by the plugin's line parser, submitted
// in batches. A line that cannot be used goes to quarantine with its bytes as read, its line
// number and the reason (not CSV, not UTF-8, longer than 1 MiB: then its first 4 KiB are
// kept, wrong field count, refused by the parser) and never stops the file; memory stays
// bounded whatever the line lengths. A file that cannot be read at all (no file, no header,
// required columns missing) fails, and the host moves it to failed/.
#pragma once

#include <mvne/plugin.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <mvne/toolkit/record_builder.hpp>

namespace mvne::toolkit {

// One line's fields by column name.
class Line {
 public:
  Line(const std::vector<std::string>* fields, const std::vector<int>* index_of_column)
      : fields_(fields), index_(index_of_column) {}
  // The field of column number `column` in the format's column list; "" when absent.
  std::string_view operator[](size_t column) const;

 private:
  const std::vector<std::string>* fields_;
  const std::vector<int>* index_;
};

struct CsvFormat {
  // With a header, columns are found by name (any order; others ignored) and all of
  // `columns` must be present. Without, they are the fields in this order.
  bool has_header = true;
  std::vector<std::string> columns;
  // Headerless: how many trailing columns may be missing.
  size_t optional_trailing = 0;
};

// Appends one record to `out` for `line`, or returns why the line is rejected.
using LineParser = std::function<std::string(const Line& line, RecordBuilder& out)>;

struct IngestSummary {
  int64_t lines = 0;        // data lines read (blank lines are not counted)
  int64_t submitted = 0;    // records handed to the host
  int64_t quarantined = 0;  // lines the parser rejected
};

Status ingest_csv(const IngestContext& ctx, std::string_view path, std::string_view kind,
                  size_t field_count, const CsvFormat& format, const LineParser& parse,
                  IngestSummary* summary = nullptr);

}  // namespace mvne::toolkit
