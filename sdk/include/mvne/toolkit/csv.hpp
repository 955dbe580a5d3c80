/* The one CSV reader of the platform (RFC 4180), used by the host, mvnectl and the plugins.
 * Header-only C++17, standard library only; part of the SDK toolkit, not of the plugin ABI.
 * The dialect (docs/input.md):
 *   - fields separated by commas; a field may be quoted with "; "" inside quotes is one ";
 *     a quoted field may hold commas and line breaks;
 *   - records end with CRLF, LF or a lone CR (any mix);
 *   - a UTF-8 byte order mark before the first record is skipped;
 *   - a " inside an unquoted field (ab"c) is an ordinary character;
 *   - refused: text after a closing quote ("ab"c), a quote that is never closed.
 * Bytes are passed through as they are: the reader does not check any encoding.
 * Memory is bounded: a record is never held beyond `max_record_bytes` plus one read chunk. */
#ifndef MVNE_TOOLKIT_CSV_HPP
#define MVNE_TOOLKIT_CSV_HPP

#include <algorithm>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace mvne::toolkit {

/* Splits one record's text (which may hold line breaks inside quoted fields) into `out`,
 * reusing its strings. False when it is not valid CSV; `error`, when given, says why. */
inline bool split_csv(std::string_view text, std::vector<std::string>& out,
                      std::string* error = nullptr) {
  size_t n = 0, i = 0;
  auto fail = [&](std::string why) {
    if (error != nullptr) *error = std::move(why);
    out.resize(n);
    return false;
  };
  while (true) {
    if (n == out.size()) out.emplace_back();
    std::string& field = out[n++];
    field.clear();
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        size_t quote = text.find('"', i);
        if (quote == std::string_view::npos)
          return fail("field " + std::to_string(n) + ": a quoted field is not closed");
        field.append(text.substr(i, quote - i));
        i = quote + 1;
        if (i < text.size() && text[i] == '"') {
          field += '"';
          ++i;
          continue;
        }
        break;
      }
      if (i < text.size() && text[i] != ',')
        return fail("field " + std::to_string(n) + ": text after the closing quote");
    } else {
      size_t end = text.find(',', i);
      if (end == std::string_view::npos) end = text.size();
      field.assign(text.substr(i, end - i));
      i = end;
    }
    if (i >= text.size()) break;
    ++i;  // the comma
  }
  out.resize(n);
  return true;
}

/* Appends `value` to `out` as one field, quoted when it holds a comma, quote or line break. */
inline void append_csv_field(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

struct CsvLimits {
  size_t max_record_bytes = size_t{1} << 20;  // longer records are reported, not split
  size_t kept_bytes = 4096;                   // how much of a too-long record is kept in raw
};

/* One record as read. When `error` is empty, `fields` holds its fields; otherwise the
 * record could not be read as CSV and `fields` is empty. */
struct CsvRecord {
  std::vector<std::string> fields;
  std::string raw;        // its bytes without the final line break (a too-long record:
                          // only the first kept_bytes)
  uint64_t raw_size = 0;  // the full size of raw in bytes
  int64_t line = 0;       // its first line in the input, 1-based
  std::string error;      // why it was not split, e.g. "line longer than 1048576 bytes"
};

/* Reads records from a stream one at a time. A quoted field left open does not swallow the
 * rest of the input: when no closing quote comes before the end of input or the size limit,
 * only the first line is reported (as not closed) and reading goes on at the next one. */
class CsvReader {
 public:
  explicit CsvReader(std::istream& in, CsvLimits limits = {}) : in_(in), limits_(limits) {}

  /* The next record, or false at the end of the input (or a read error: see read_error). */
  bool next(CsvRecord& out) {
    out.fields.clear();
    out.error.clear();
    out.raw.clear();
    if (!started_) {
      started_ = true;
      while (buf_.size() < 3 && fill()) {
      }
      if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
    }
    if (pos_ >= buf_.size() && !fill()) return false;
    out.line = line_ + 1;

    enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kFieldStart;
    size_t first_line_end = std::string::npos, first_line_next = 0;
    int64_t breaks = 0;
    size_t i = pos_;
    while (true) {
      if (i >= buf_.size()) {
        size_t scanned = i - pos_;
        if (scanned > limits_.max_record_bytes)
          return too_long(out, first_line_end, first_line_next);
        size_t before = pos_;
        bool more = fill();
        i -= before - pos_;  // fill() may have moved the unread bytes to the front
        if (first_line_end != std::string::npos) {
          first_line_end -= before - pos_;
          first_line_next -= before - pos_;
        }
        if (!more) break;
        continue;
      }
      if (state == kUnquoted || state == kQuoted) {  // skip to the next byte that matters
        const char* p = buf_.data() + i;
        const char* end = buf_.data() + buf_.size();
        while (p < end && *p != ',' && *p != '"' && *p != '\n' && *p != '\r') ++p;
        i = static_cast<size_t>(p - buf_.data());
        if (i >= buf_.size()) continue;
      }
      char c = buf_[i];
      if (c == '\n' || c == '\r') {
        size_t after = i + 1;
        if (c == '\r') {
          if (after >= buf_.size()) {  // is the CR followed by a LF?
            size_t before = pos_;
            fill();
            i -= before - pos_;
            if (first_line_end != std::string::npos) {
              first_line_end -= before - pos_;
              first_line_next -= before - pos_;
            }
            after = i + 1;
          }
          if (after < buf_.size() && buf_[after] == '\n') ++after;
        }
        if (first_line_end == std::string::npos) {
          first_line_end = i;
          first_line_next = after;
        }
        ++breaks;
        if (i - pos_ > limits_.max_record_bytes)
          return too_long(out, first_line_end, first_line_next);
        if (state != kQuoted) return finish(out, i, after, breaks);
        if (after - pos_ > limits_.max_record_bytes)
          return too_long(out, first_line_end, first_line_next);
        state = kQuoted;
        i = after;
        continue;
      }
      switch (state) {
        case kFieldStart:
          state = c == '"' ? kQuoted : c == ',' ? kFieldStart : kUnquoted;
          break;
        case kUnquoted:
          if (c == ',') state = kFieldStart;
          break;
        case kQuoted:
          if (c == '"') state = kQuoteInQuoted;
          break;
        case kQuoteInQuoted:
          state = c == '"' ? kQuoted : c == ',' ? kFieldStart : kUnquoted;
          break;
      }
      ++i;
    }
    // End of input.
    if (state == kQuoted && first_line_end != std::string::npos)
      return unclosed(out, first_line_end, first_line_next);
    if (i - pos_ > limits_.max_record_bytes) return too_long(out, first_line_end, first_line_next);
    return finish(out, i, i, 0);
  }

  bool read_error() const { return in_.bad(); }

 private:
  // Appends the next chunk of input to buf_, first dropping what was consumed. False at the
  // end of input.
  bool fill() {
    if (eof_) return false;
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    size_t old = buf_.size();
    buf_.resize(old + kChunk);
    in_.read(&buf_[old], static_cast<std::streamsize>(kChunk));
    size_t got = static_cast<size_t>(in_.gcount());
    buf_.resize(old + got);
    if (got == 0) eof_ = true;
    return got > 0;
  }

  bool finish(CsvRecord& out, size_t end, size_t next, int64_t breaks) {
    std::string_view text(buf_.data() + pos_, end - pos_);
    out.raw.assign(text);
    out.raw_size = text.size();
    if (!split_csv(text, out.fields, &out.error)) out.fields.clear();
    line_ += breaks;
    pos_ = next;
    return true;
  }

  // A quote opened on the record's first line and never closed: that line alone is the
  // record; reading goes on at the line after it.
  bool unclosed(CsvRecord& out, size_t first_line_end, size_t first_line_next) {
    out.raw.assign(buf_.data() + pos_, first_line_end - pos_);
    out.raw_size = out.raw.size();
    out.error = "a quoted field is not closed";
    line_ += 1;
    pos_ = first_line_next;
    return true;
  }

  bool too_long(CsvRecord& out, size_t first_line_end, size_t first_line_next) {
    if (first_line_end != std::string::npos && first_line_end - pos_ <= limits_.max_record_bytes)
      return unclosed(out, first_line_end, first_line_next);
    // One line over the limit: keep its start, skip the rest of it without holding it.
    out.raw.assign(buf_.data() + pos_, std::min(limits_.kept_bytes, buf_.size() - pos_));
    uint64_t size = 0;
    while (true) {
      size_t end = buf_.find_first_of("\r\n", pos_);
      if (end != std::string::npos) {
        size += end - pos_;
        pos_ = end + 1;
        if (buf_[end] == '\r' && pos_ >= buf_.size()) fill();
        if (buf_[end] == '\r' && pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
        break;
      }
      size += buf_.size() - pos_;
      pos_ = buf_.size();
      buf_.clear();
      pos_ = 0;
      if (!fill()) break;
    }
    out.raw_size = size;
    out.error = "line longer than " + std::to_string(limits_.max_record_bytes) + " bytes (" +
                std::to_string(size) + " bytes; the first " + std::to_string(out.raw.size()) +
                " are kept)";
    line_ += 1;
    return true;
  }

  static constexpr size_t kChunk = 64 * 1024;
  std::istream& in_;
  CsvLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  int64_t line_ = 0;
  bool started_ = false;
  bool eof_ = false;
};

}  // namespace mvne::toolkit

#endif  // MVNE_TOOLKIT_CSV_HPP
