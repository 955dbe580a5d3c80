#include "core/mail/message.h"

#include <mvne/toolkit/utf8.hpp>

#include <cctype>
#include <set>

namespace mvne::mail {
namespace {

bool has_line_break(const std::string& s) {
  return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

void check_address(const Address& a, const std::string& field, std::vector<std::string>& problems) {
  if (!is_address(a.email))
    problems.push_back(field + ": '" + a.email.substr(0, 80) + "' is not an address (local@domain)");
  if (a.name.size() > 200) problems.push_back(field + ": the display name is over 200 bytes");
  if (has_line_break(a.name))
    problems.push_back(field + ": the display name holds a line break (header injection refused)");
  else if (toolkit::first_invalid_utf8(a.name) != std::string::npos)
    problems.push_back(field + ": the display name is not UTF-8");
}

}  // namespace

bool is_address(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  size_t at = a.rfind('@');
  if (at == 0 || at == std::string::npos || at + 1 == a.size() || at > 64) return false;
  for (size_t i = 0; i < at; ++i) {
    unsigned char c = static_cast<unsigned char>(a[i]);
    if (c <= 32 || c >= 127 || std::string("\"(),:;<>@[\\]").find(c) != std::string::npos)
      return false;
  }
  std::string_view domain = a.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  for (char c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

Status validate(const Message& m) {
  std::vector<std::string> problems;
  check_address(m.from, "from", problems);
  if (!m.reply_to.email.empty() || !m.reply_to.name.empty()) check_address(m.reply_to, "reply_to", problems);
  for (const auto& [list, name] : {std::pair{&m.to, "to"}, {&m.cc, "cc"}, {&m.bcc, "bcc"}}) {
    for (size_t i = 0; i < list->size(); ++i)
      check_address((*list)[i], std::string(name) + "[" + std::to_string(i) + "]", problems);
  }
  size_t recipients = m.to.size() + m.cc.size() + m.bcc.size();
  if (recipients == 0) problems.push_back("to, cc, bcc: no recipient");
  if (recipients > kMaxRecipients)
    problems.push_back("to, cc, bcc: " + std::to_string(recipients) + " recipients, at most " +
                       std::to_string(kMaxRecipients));
  if (m.subject.size() > 900) problems.push_back("subject: over 900 bytes");
  if (has_line_break(m.subject))
    problems.push_back("subject: holds a line break (header injection refused)");
  for (const auto& [text, name] :
       {std::pair{&m.subject, "subject"}, {&m.text, "text"}, {&m.html, "html"}}) {
    if (toolkit::first_invalid_utf8(*text) != std::string::npos)
      problems.push_back(std::string(name) + ": not UTF-8");
    if (name != std::string("subject") && text->find('\0') != std::string::npos)
      problems.push_back(std::string(name) + ": holds a NUL byte");
  }
  if (m.text.empty() && m.html.empty()) problems.push_back("text, html: no body");
  if (problems.empty()) return Status::Ok();
  std::string all;
  for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
  return Status::Invalid("mail refused: " + all);
}

std::vector<std::string> envelope_recipients(const Message& m) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* list : {&m.to, &m.cc, &m.bcc}) {
    for (const auto& a : *list)
      if (seen.insert(a.email).second) out.push_back(a.email);
  }
  return out;
}

}  // namespace mvne::mail
