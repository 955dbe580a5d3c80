#include <mvne/toolkit/csv_ingest.hpp>

#include <mvne/toolkit/csv.hpp>
#include <mvne/toolkit/utf8.hpp>

#include <fstream>

#include <mvne/toolkit/text.hpp>

namespace mvne::toolkit {
namespace {

constexpr size_t kBatch = 20000;
constexpr size_t kMaxLineBytes = size_t{1} << 20;  // longer lines go to quarantine
constexpr size_t kKeptBytes = 4096;                // how much of such a line is kept

std::string file_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Maps each wanted column to its field index in the header; names the missing ones.
std::string map_header(const std::vector<std::string>& header,
                       const std::vector<std::string>& columns, std::vector<int>& index) {
  std::string missing;
  index.assign(columns.size(), -1);
  for (size_t c = 0; c < columns.size(); ++c) {
    for (size_t h = 0; h < header.size(); ++h) {
      if (trim(header[h]) == columns[c]) index[c] = static_cast<int>(h);
    }
    if (index[c] < 0) missing += (missing.empty() ? "" : ", ") + columns[c];
  }
  return missing;
}

}  // namespace

std::string_view Line::operator[](size_t column) const {
  int i = column < index_->size() ? (*index_)[column] : -1;
  if (i < 0 || static_cast<size_t>(i) >= fields_->size()) return {};
  return trim((*fields_)[i]);
}

Status ingest_csv(const IngestContext& ctx, std::string_view path, std::string_view kind,
                  size_t field_count, const CsvFormat& format, const LineParser& parse,
                  IngestSummary* summary) {
  const std::string name = file_name(path);
  std::ifstream in(std::string(path), std::ios::binary);
  if (!in) return Status::Error(name + ": cannot open");
  toolkit::CsvReader reader(in, toolkit::CsvLimits{kMaxLineBytes, kKeptBytes});
  toolkit::CsvRecord record;
  auto blank = [&] { return record.error.empty() && trim(record.raw).empty(); };

  std::vector<int> index;
  size_t expected_fields = format.columns.size();
  if (format.has_header) {
    bool found = false;
    while (!found && reader.next(record)) found = !blank();
    if (!found) return Status::Error(name + ": no header line");
    if (!record.error.empty())
      return Status::Error(name + ": line " + std::to_string(record.line) +
                           ": malformed header: " + record.error);
    std::string missing = map_header(record.fields, format.columns, index);
    if (!missing.empty())
      return Status::Error(name + ": the header lacks the column(s) " + missing);
    expected_fields = record.fields.size();
  } else {
    for (size_t c = 0; c < format.columns.size(); ++c) index.push_back(static_cast<int>(c));
  }

  IngestSummary counts;
  RecordBuilder batch(field_count);
  auto flush = [&]() -> Status {
    if (batch.records() == 0) return Status::Ok();
    Status st = ctx.submit(kind, batch.values(), batch.fields());
    counts.submitted += static_cast<int64_t>(batch.records());
    batch.clear();
    return st;
  };
  auto reject = [&](const std::string& reason) -> Status {
    ++counts.quarantined;
    return ctx.quarantine_line(kind, record.raw, record.line, reason);
  };
  while (reader.next(record)) {
    if (blank()) continue;
    ++counts.lines;
    Status st;
    size_t bad_byte = toolkit::first_invalid_utf8(record.raw);
    if (!record.error.empty()) {
      st = reject(record.error);
    } else if (bad_byte != std::string_view::npos) {
      st = reject("not UTF-8: byte " + std::to_string(bad_byte + 1) +
                  " does not begin a valid UTF-8 sequence");
    } else if (format.has_header
                   ? record.fields.size() != expected_fields
                   : (record.fields.size() > expected_fields ||
                      record.fields.size() + format.optional_trailing < expected_fields)) {
      st = reject(std::to_string(record.fields.size()) + " fields where " +
                  std::to_string(expected_fields) + " were expected");
    } else {
      std::string reason = parse(Line(&record.fields, &index), batch);
      if (!reason.empty() || !batch.complete()) {
        batch.rollback();
        st = reject(reason.empty() ? "the parser produced an incomplete record" : reason);
      } else if (batch.records() >= kBatch) {
        st = flush();
      }
    }
    if (!st.ok())
      return Status(st.code(),
                    name + ": line " + std::to_string(record.line) + ": " + st.message());
  }
  if (reader.read_error())
    return Status::Error(name + ": read error after line " + std::to_string(record.line));
  if (Status st = flush(); !st.ok()) return st;
  ctx.info(name + ": read " + std::to_string(counts.lines) +
           " data lines: " + std::to_string(counts.submitted) + " records submitted, " +
           std::to_string(counts.quarantined) + " lines rejected");
  if (summary != nullptr) *summary = counts;
  return Status::Ok();
}

}  // namespace mvne::toolkit
