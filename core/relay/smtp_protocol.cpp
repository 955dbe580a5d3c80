#include "core/relay/smtp_protocol.h"

#include <algorithm>
#include <cctype>

#include "core/mail/message.h"

namespace mvne::relay {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Command parse_command(std::string_view line) {
  size_t space = line.find(' ');
  Command c;
  c.verb = upper(line.substr(0, space));
  if (space != std::string_view::npos) c.argument = std::string(line.substr(space + 1));
  return c;
}

StatusOr<Path> parse_path(std::string_view argument, std::string_view keyword) {
  const std::string expected = std::string(keyword) + ":";
  if (argument.size() < expected.size() || upper(argument.substr(0, expected.size())) != expected)
    return Status::Invalid("syntax: " + expected + "<address>");
  argument.remove_prefix(expected.size());
  while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
  if (argument.empty() || argument.front() != '<')
    return Status::Invalid("the address must be in angle brackets");
  size_t close = argument.find('>');
  if (close == std::string_view::npos) return Status::Invalid("no closing '>'");
  Path path;
  path.address = std::string(argument.substr(1, close - 1));
  if (!path.address.empty() && !mail::is_address(path.address))
    return Status::Invalid("'" + path.address.substr(0, 80) + "' is not an address (local@domain)");
  argument.remove_prefix(close + 1);
  while (!argument.empty()) {
    while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
    if (argument.empty()) break;
    size_t end = std::min(argument.find(' '), argument.size());
    std::string_view param = argument.substr(0, end);
    size_t eq = param.find('=');
    std::string name = upper(param.substr(0, eq));
    if (name.empty()) return Status::Invalid("an empty parameter");
    path.params.emplace_back(name, eq == std::string_view::npos
                                       ? std::string()
                                       : std::string(param.substr(eq + 1)));
    argument.remove_prefix(end);
  }
  return path;
}

LineSplitter::Result LineSplitter::next(std::string_view in, size_t* pos, std::string* line) {
  while (*pos < in.size()) {
    if (cr_) {
      if (in[*pos] != '\n') return Result::kBareNewline;
      ++*pos;
      cr_ = false;
      bool was_too_long = too_long_;
      too_long_ = false;
      line->swap(partial_);
      partial_.clear();
      return was_too_long ? Result::kTooLong : Result::kLine;
    }
    size_t stop = in.find_first_of("\r\n", *pos);
    size_t end = stop == std::string_view::npos ? in.size() : stop;
    if (!too_long_) {
      partial_.append(in.data() + *pos, end - *pos);
      if (partial_.size() + 2 > max_line_) {
        too_long_ = true;
        partial_.clear();
      }
    }
    *pos = end;
    if (end == in.size()) break;
    if (in[end] == '\n') return Result::kBareNewline;
    cr_ = true;
    ++*pos;
  }
  return Result::kNeedMore;
}

DataReader::Result DataReader::feed(std::string_view in, size_t* pos) {
  while (*pos < in.size()) {
    if (cr_) {
      if (in[*pos] != '\n') return Result::kBareNewline;
      ++*pos;
      cr_ = false;
      if (line_length_ == 1 && line_ == ".") return Result::kDone;
      end_line();
      continue;
    }
    size_t stop = in.find_first_of("\r\n", *pos);
    size_t end = stop == std::string_view::npos ? in.size() : stop;
    size_t n = end - *pos;
    line_length_ += n;
    if (line_length_ + 2 > max_line_) line_too_long_ = true;
    // While refusing, only the first two octets of a line are kept: enough to see the end.
    size_t keep = (too_big_ || line_too_long_) ? std::min(n, 2 - std::min<size_t>(2, line_.size()))
                                               : n;
    line_.append(in.data() + *pos, keep);
    *pos = end;
    if (end == in.size()) break;
    if (in[end] == '\n') return Result::kBareNewline;
    cr_ = true;
    ++*pos;
  }
  return Result::kNeedMore;
}

void DataReader::end_line() {
  if (!too_big_ && !line_too_long_) {
    std::string_view l = line_;
    if (!l.empty() && l.front() == '.') l.remove_prefix(1);
    if (message_.size() + l.size() + 2 > max_bytes_) {
      too_big_ = true;
      std::string().swap(message_);
    } else {
      message_.append(l);
      message_.append("\r\n");
    }
  }
  line_.clear();
  line_length_ = 0;
}

}  // namespace mvne::relay
