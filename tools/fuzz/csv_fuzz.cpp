// libFuzzer target for the CSV reader of the SDK toolkit: any bytes, small limits; must never
// crash or read out of bounds (AddressSanitizer), never hold a record past its limit, count
// lines forward, and every record it splits must be written back and re-read identically.
#include <mvne/toolkit/csv.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the limit, so that short inputs reach the too-long paths.
  const size_t limit = static_cast<size_t>(data[0]) + 1;
  const mvne::toolkit::CsvLimits limits{limit, limit < 8 ? limit : 8};
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  mvne::toolkit::CsvReader reader(in, limits);
  mvne::toolkit::CsvRecord record;
  int64_t last_line = 0;
  std::vector<std::string> again;
  while (reader.next(record)) {
    if (record.line <= last_line) __builtin_trap();  // line numbers go forward
    last_line = record.line;
    if (record.raw.size() > limits.max_record_bytes) __builtin_trap();
    if (!record.error.empty()) {
      if (!record.fields.empty()) __builtin_trap();
      continue;
    }
    std::string written;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) written += ',';
      mvne::toolkit::append_csv_field(written, record.fields[i]);
    }
    if (!mvne::toolkit::split_csv(written, again) || again != record.fields) __builtin_trap();
  }
  return 0;
}
