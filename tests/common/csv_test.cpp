// The one CSV reader (SDK toolkit): RFC 4180 quoting, every line ending, a BOM, records
// across lines, bounded lines, and a quote left open that does not swallow what follows.
#include <mvne/toolkit/csv.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace mvne::toolkit {
namespace {

using Fields = std::vector<std::string>;

// All records of `text`, as "line:fields joined by |" or "line:!error".
std::vector<std::string> read_all(const std::string& text, CsvLimits limits = {}) {
  std::istringstream in(text);
  CsvReader reader(in, limits);
  CsvRecord r;
  std::vector<std::string> out;
  while (reader.next(r)) {
    std::string s = std::to_string(r.line) + ":";
    if (!r.error.empty()) {
      s += "!" + r.error + " raw=" + r.raw;
    } else {
      for (size_t i = 0; i < r.fields.size(); ++i) s += (i ? "|" : "") + r.fields[i];
    }
    out.push_back(s);
  }
  return out;
}

// Quoting as RFC 4180 has it: commas and doubled quotes inside quotes, empty fields.
TEST(Csv, SplitsQuotedFields) {
  Fields f;
  ASSERT_TRUE(split_csv(R"(a,"b,c","say ""hi""",,e)", f));
  EXPECT_EQ(f, (Fields{"a", "b,c", "say \"hi\"", "", "e"}));
  ASSERT_TRUE(split_csv("", f));
  EXPECT_EQ(f, (Fields{""}));
  ASSERT_TRUE(split_csv(R"(ab"c,d)", f));  // a quote inside an unquoted field is a character
  EXPECT_EQ(f, (Fields{"ab\"c", "d"}));
}

// Text after a closing quote and an unclosed quote are refused, saying which field.
TEST(Csv, RefusesTextAfterClosingQuoteAndOpenQuotes) {
  Fields f;
  std::string error;
  EXPECT_FALSE(split_csv(R"(x,"ab"c,d)", f, &error));
  EXPECT_EQ(error, "field 2: text after the closing quote");
  EXPECT_FALSE(split_csv(R"("open,b)", f, &error));
  EXPECT_EQ(error, "field 1: a quoted field is not closed");
}

// Writing a field quotes it only when needed, and the reader reads it back.
TEST(Csv, WritesFieldsItReadsBack) {
  std::string out;
  append_csv_field(out, "x,\"y\"\nz");
  out += ',';
  append_csv_field(out, "plain");
  EXPECT_EQ(out, "\"x,\"\"y\"\"\nz\",plain");
  EXPECT_EQ(read_all(out), (std::vector<std::string>{"1:x,\"y\"\nz|plain"}));
}

// CRLF, LF and lone CR all end records, in any mix; a BOM before the header is skipped.
TEST(Csv, ReadsEveryLineEndingAndSkipsBom) {
  EXPECT_EQ(read_all("\xEF\xBB\xBFh1,h2\r\na,b\rc,d\ne,f"),
            (std::vector<std::string>{"1:h1|h2", "2:a|b", "3:c|d", "4:e|f"}));
  EXPECT_EQ(read_all("a\r\r\nb\n\nc\r"),
            (std::vector<std::string>{"1:a", "2:", "3:b", "4:", "5:c"}));
}

// A quoted field may hold line breaks; the next record's line number counts them.
TEST(Csv, ReadsQuotedFieldsAcrossLines) {
  EXPECT_EQ(read_all("a,\"line one\r\nline two\nthree\",b\nnext,x\n"),
            (std::vector<std::string>{"1:a|line one\r\nline two\nthree|b", "4:next|x"}));
}

// A quote never closed costs its own line only: the lines after it are read as records.
TEST(Csv, AnUnclosedQuoteDoesNotSwallowTheRest) {
  EXPECT_EQ(read_all("ok,1\n\"broken,2\nok,3\nok,4\n"),
            (std::vector<std::string>{"1:ok|1", "2:!a quoted field is not closed raw=\"broken,2",
                                      "3:ok|3", "4:ok|4"}));
  // Also when the next quote is too far away to be the closing one.
  std::string far = "\"broken\n" + std::string(100, 'x') + "\n\"end\n";
  auto records = read_all(far, CsvLimits{64, 16});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], "1:!a quoted field is not closed raw=\"broken");
  EXPECT_EQ(records[1], "2:" + std::string(100, 'x').substr(0, 0) +
                            "!line longer than 64 bytes (100 bytes; the first 16 are kept) raw=" +
                            std::string(16, 'x'));
  EXPECT_EQ(records[2], "3:!a quoted field is not closed raw=\"end");
}

// A line over the limit is reported with its size and start, without being held whole, and
// reading goes on after it.
TEST(Csv, BoundsLineLength) {
  std::string text = "a,b\n" + std::string(5000, 'y') + "\nc,d";
  EXPECT_EQ(
      read_all(text, CsvLimits{1000, 8}),
      (std::vector<std::string>{
          "1:a|b", "2:!line longer than 1000 bytes (5000 bytes; the first 8 are kept) raw=yyyyyyyy",
          "3:c|d"}));
  // Without a final line break too.
  EXPECT_EQ(read_all(std::string(300000, 'z'), CsvLimits{1000, 4}),
            (std::vector<std::string>{
                "1:!line longer than 1000 bytes (300000 bytes; the first 4 are kept) raw=zzzz"}));
}

// Bytes pass through untouched, whatever their encoding.
TEST(Csv, KeepsBytesAsTheyAre) {
  EXPECT_EQ(read_all("\x93\xfa\x96\x7b,\xff\n"),
            (std::vector<std::string>{"1:\x93\xfa\x96\x7b|\xff"}));
}

}  // namespace
}  // namespace mvne::toolkit
