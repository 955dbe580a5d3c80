// The server side of SMTP's syntax (RFC 5321), without I/O: command lines, MAIL/RCPT paths
// and the DATA section. Line ends are CRLF and nothing else: a bare LF or bare CR anywhere is
// an error, so a message cannot be ended (or a second one smuggled in) by "\n.\n" or
// "\r.\r\n" that another server would read differently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.h"

namespace mvne::relay {

struct Command {
  std::string verb;      // upper-cased: "EHLO", "MAIL", ...
  std::string argument;  // the rest of the line after one space, as sent
};

// A command line without its CRLF.
Command parse_command(std::string_view line);

// The argument of MAIL ("FROM:<a@b> SIZE=10") or RCPT ("TO:<a@b>"): `keyword` is "FROM" or
// "TO". An empty address is the null path "<>"; the parameters are upper-cased keywords.
struct Path {
  std::string address;
  std::vector<std::pair<std::string, std::string>> params;
};
StatusOr<Path> parse_path(std::string_view argument, std::string_view keyword);

// Splits what a client sends outside DATA into CRLF-terminated lines of at most `max_line`
// octets (CRLF included).
class LineSplitter {
 public:
  enum class Result { kNeedMore, kLine, kTooLong, kBareNewline };
  explicit LineSplitter(size_t max_line) : max_line_(max_line) {}
  // Consumes bytes of `in` from *pos. kLine: *line holds one line (without CRLF). kTooLong:
  // a line went over the limit; its bytes are skipped up to its CRLF, which is consumed too.
  // kBareNewline: a LF without CR, or a CR not followed by LF.
  Result next(std::string_view in, size_t* pos, std::string* line);

 private:
  size_t max_line_;
  std::string partial_;
  bool cr_ = false, too_long_ = false;
};

// Reads the DATA section: undoes dot-stuffing, ends at CRLF "." CRLF and nowhere else. A
// message over `max_bytes` or with a line over `max_line` octets is read to its end and
// then refused; a bare LF or CR stops reading at once (the connection cannot be trusted to
// agree with us on where the message ends).
class DataReader {
 public:
  enum class Result { kNeedMore, kDone, kBareNewline };
  DataReader(size_t max_bytes, size_t max_line) : max_bytes_(max_bytes), max_line_(max_line) {}
  // Consumes bytes of `in` from *pos, up to and including the end marker.
  Result feed(std::string_view in, size_t* pos);
  bool too_big() const { return too_big_; }
  bool line_too_long() const { return line_too_long_; }
  // The message (CRLF line ends, unstuffed), once kDone and neither limit was passed.
  std::string take() { return std::move(message_); }

 private:
  void end_line();
  size_t max_bytes_, max_line_;
  std::string message_, line_;
  size_t line_length_ = 0;
  bool cr_ = false, too_big_ = false, line_too_long_ = false;
};

}  // namespace mvne::relay
