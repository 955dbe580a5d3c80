#include "core/mail/templates.h"

#include <mvne/toolkit/utf8.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mvne::mail {
namespace {

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

// `text` with every {{key}} replaced; Invalid names the line of the first unknown one.
StatusOr<std::string> substitute(const std::string& text, int first_line, const std::string& file,
                                 const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    std::string key = close == std::string::npos ? "" : text.substr(open + 2, close - open - 2);
    auto value = values.find(key);
    if (value == values.end()) {
      int line = first_line + static_cast<int>(std::count(text.begin(), text.begin() + open, '\n'));
      return Status::Invalid("mail template " + file + " line " + std::to_string(line) + ": " +
                             (close == std::string::npos ? "'{{' is not closed"
                                                         : "no value for {{" + key + "}}"));
    }
    out += text.substr(pos, open - pos) + value->second;
    pos = close + 2;
  }
  return out + text.substr(pos);
}

}  // namespace

StatusOr<Filled> fill_template(const std::string& dir, const std::string& tenant,
                               const std::string& name,
                               const std::map<std::string, std::string>& values) {
  if (!plain_name(name)) return Status::Invalid("mail template name '" + name + "' is not [a-z0-9_-]+");
  if (dir.empty()) return Status::NotFound("no [mail] templates directory");
  namespace fs = std::filesystem;
  std::string file = (fs::path(dir) / tenant / (name + ".txt")).string();
  std::error_code ec;
  if (!plain_name(tenant) || !fs::is_regular_file(file, ec)) file = (fs::path(dir) / (name + ".txt")).string();
  if (!fs::is_regular_file(file, ec)) return Status::NotFound("no mail template " + name);
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (!in && !in.eof()) return Status::Invalid("mail template " + file + ": cannot be read");
  if (toolkit::first_invalid_utf8(text) != std::string::npos)
    return Status::Invalid("mail template " + file + ": not UTF-8");
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  size_t line_end = text.find('\n');
  if (text.rfind("Subject:", 0) != 0 || line_end == std::string::npos ||
      text.compare(line_end, 2, "\n\n") != 0)
    return Status::Invalid("mail template " + file +
                           " line 1: must be 'Subject: ...' followed by an empty line");
  std::string subject = text.substr(8, line_end - 8);
  subject.erase(0, subject.find_first_not_of(' '));
  auto filled_subject = substitute(subject, 1, file, values);
  if (!filled_subject.ok()) return filled_subject.status();
  auto body = substitute(text.substr(line_end + 2), 3, file, values);
  if (!body.ok()) return body.status();
  return Filled{filled_subject.value(), body.value()};
}

}  // namespace mvne::mail
