#include "core/relay/submitted_message.h"

#include <iconv.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "core/mail/mime.h"

namespace mvne::relay {
namespace {

struct Field {
  std::string name;   // lower-case
  std::string value;  // unfolded
  size_t begin = 0, end = 0;  // the field's bytes in the message, its last CRLF included
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The header fields, and where the body starts: after the empty line (so body_start is past
// the last field's end), or where a line that is no field begins (body_start == its end).
std::vector<Field> header_fields(const std::string& data, size_t* body_start) {
  std::vector<Field> fields;
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.compare(pos, 2, "\r\n") == 0) {
      *body_start = pos + 2;
      return fields;
    }
    size_t line_end = data.find("\r\n", pos);
    size_t colon = data.find(':', pos);
    if (line_end == std::string::npos || colon == std::string::npos || colon > line_end ||
        colon == pos || data[pos] == ' ' || data[pos] == '\t')
      break;
    Field f;
    f.begin = pos;
    f.name = lower(std::string_view(data).substr(pos, colon - pos));
    size_t end = line_end + 2;
    while (end < data.size() && (data[end] == ' ' || data[end] == '\t')) {
      size_t next = data.find("\r\n", end);
      end = next == std::string::npos ? data.size() : next + 2;
    }
    f.end = end;
    for (size_t i = colon + 1; i < end; ++i)
      if (data[i] != '\r' && data[i] != '\n') f.value += data[i];
    fields.push_back(std::move(f));
    pos = end;
  }
  *body_start = pos;
  return fields;
}

bool local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}
bool domain_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }

// Every local@domain in a header value, lower-case (display names and comments included:
// an address written anywhere in the field counts as named).
std::set<std::string> addresses_in(const std::string& value) {
  std::set<std::string> out;
  for (size_t at = value.find('@'); at != std::string::npos; at = value.find('@', at + 1)) {
    size_t b = at, e = at + 1;
    while (b > 0 && local_char(value[b - 1])) --b;
    while (e < value.size() && domain_char(value[e])) ++e;
    while (e > at + 1 && value[e - 1] == '.') --e;
    if (b < at && e > at + 1) out.insert(lower(std::string_view(value).substr(b, e - b)));
  }
  return out;
}

std::string convert(const std::string& charset, const std::string& bytes) {
  if (charset == "utf-8" || charset == "us-ascii") return bytes;
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return {};
  std::string in = bytes, out(bytes.size() * 4 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  size_t r = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1)) return {};
  out.resize(out.size() - ol);
  return out;
}

// One "=?charset?B|Q?text?=" word, or "" when it is not one that can be decoded.
std::string decode_word(std::string_view word) {
  if (word.size() < 8 || word.substr(0, 2) != "=?" || word.substr(word.size() - 2) != "?=")
    return {};
  std::string_view inner = word.substr(2, word.size() - 4);
  size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?') return {};
  std::string charset = lower(inner.substr(0, q1));
  if (size_t star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231
  char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(inner[q1 + 1])));
  std::string_view text = inner.substr(q1 + 3);
  std::string bytes;
  if (encoding == 'B') {
    bytes.assign(text.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                          text.data(), text.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
      return {};
    bytes.resize(len);
  } else if (encoding == 'Q') {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        bytes += ' ';
      } else if (text[i] == '=' && i + 2 < text.size() &&
                 std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        bytes += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        bytes += text[i];
      }
    }
  } else {
    return {};
  }
  return convert(charset, bytes);
}

}  // namespace

std::string decode_header_text(const std::string& value) {
  std::string out;
  size_t pos = 0;
  bool last_was_word = false;
  while (pos < value.size()) {
    size_t start = value.find("=?", pos);
    if (start == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    // An encoded word ends at "?=" after its charset and encoding: "=?cs?E?text?=".
    size_t q1 = value.find('?', start + 2);
    size_t end = q1 == std::string::npos || q1 + 3 > value.size()
                     ? std::string::npos
                     : value.find("?=", q1 + 3);
    std::string decoded =
        end == std::string::npos ? "" : decode_word(std::string_view(value).substr(start, end + 2 - start));
    std::string between = value.substr(pos, start - pos);
    if (decoded.empty()) {
      out += between + value.substr(start, 2);
      pos = start + 2;
      last_was_word = false;
      continue;
    }
    // Space between two encoded words is not part of the text (RFC 2047 section 6.2).
    bool only_space = between.find_first_not_of(" \t") == std::string::npos;
    if (!(last_was_word && only_space)) out += between;
    out += decoded;
    pos = end + 2;
    last_was_word = true;
  }
  size_t b = out.find_first_not_of(" \t");
  return b == std::string::npos ? "" : out.substr(b);
}

StatusOr<Submitted> read_submitted(std::string data, const std::vector<std::string>& recipients,
                                   const std::string& id_domain, int64_t now_us) {
  size_t body_start = 0;
  std::vector<Field> fields = header_fields(data, &body_start);
  if (fields.empty()) return Status::Invalid("the message has no header section");
  Submitted s;
  std::set<std::string> to, cc;
  bool has_from = false, has_date = false;
  std::vector<std::pair<size_t, size_t>> cut;  // Bcc and Resent-Bcc fields
  for (const Field& f : fields) {
    if (f.name == "from") has_from = true;
    if (f.name == "date") has_date = true;
    if (f.name == "to" || f.name == "resent-to") to.merge(addresses_in(f.value));
    if (f.name == "cc" || f.name == "resent-cc") cc.merge(addresses_in(f.value));
    if (f.name == "subject" && s.subject.empty()) s.subject = decode_header_text(f.value);
    if (f.name == "message-id" && s.message_id.empty()) {
      s.message_id = f.value;
      size_t b = s.message_id.find_first_not_of(" \t");
      s.message_id = b == std::string::npos ? "" : s.message_id.substr(b);
    }
    if (f.name == "bcc" || f.name == "resent-bcc") cut.emplace_back(f.begin, f.end);
  }
  if (!has_from) return Status::Invalid("the message has no From header field");
  for (const std::string& r : recipients) {
    if (to.count(r)) s.to.push_back(r);
    else if (cc.count(r)) s.cc.push_back(r);
    else s.bcc.push_back(r);
  }
  std::string added;
  if (s.message_id.empty()) {
    s.message_id = mail::new_message_id(id_domain);
    added += "Message-ID: " + s.message_id + "\r\n";
  }
  if (!has_date) added += "Date: " + mail::rfc5322_date(now_us) + "\r\n";
  // Rebuild: header fields without the cut ones, the added ones, then the rest as it came.
  size_t header_end = fields.back().end;
  std::string out;
  out.reserve(data.size() + added.size());
  size_t pos = 0;
  for (const auto& [b, e] : cut) {
    out.append(data, pos, b - pos);
    pos = e;
  }
  out.append(data, pos, header_end - pos);
  out += added;
  // A line that is no field ended the header section without the empty line: the empty
  // line is put in, so that every reader downstream agrees where the body starts.
  if (body_start == header_end) out += "\r\n";
  out.append(data, header_end, std::string::npos);
  s.data = std::move(out);
  return s;
}

std::string header_naming(const std::string& data, const std::vector<std::string>& addresses) {
  size_t body_start = 0;
  for (const Field& f : header_fields(data, &body_start)) {
    if (f.name == "bcc" || f.name == "resent-bcc") return f.name;
    std::set<std::string> named = addresses_in(f.value);
    for (const std::string& a : addresses)
      if (named.count(lower(a))) return f.name;
  }
  return {};
}

}  // namespace mvne::relay
