// libFuzzer target for mail rendering (core/mail/message.cpp, mime.cpp): the input is split
// at NUL bytes into a subject, display names and addresses, a Bcc address and a body. Whatever
// the bytes, either validate() refuses the message, or the rendered message has CRLF line
// ends only, no line over 998 octets, only ASCII, no Bcc header and the Bcc address nowhere
// in it; a crash or a broken property aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/mail/message.h"
#include "core/mail/mime.h"

namespace {

std::vector<std::string> fields(const uint8_t* data, size_t size, size_t count) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0 && out.size() < count) {
      out.emplace_back();
    } else {
      out.back() += static_cast<char>(data[i]);
    }
  }
  out.resize(count);
  return out;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = fields(data, size, 7);
  mvne::mail::Message m;
  m.from = {f[0], "noreply@mvne.example"};
  m.to = {{f[1], f[2].empty() ? "to@example.jp" : f[2]}};
  m.cc = {{f[3], "cc@example.jp"}};
  // A Bcc address of its own domain, so that its absence from the message can be checked.
  m.bcc = {{f[4], "hidden-" + std::to_string(size) + "@bcc.invalid"}};
  m.subject = f[5];
  m.text = f[6];
  if (!mvne::mail::validate(m).ok()) return 0;
  mvne::mail::Rendered r = mvne::mail::render(m, 1796000000000000, "mvne.example");
  // Unless the input itself wrote the Bcc address elsewhere (as a To address, in the text).
  bool elsewhere = false;
  for (const auto& field : f)
    elsewhere = elsewhere || field.find(m.bcc[0].email) != std::string::npos;
  check(elsewhere || r.data.find(m.bcc[0].email) == std::string::npos);
  // The header block (the body may say "Bcc:" as any text may).
  const std::string headers = r.data.substr(0, r.data.find("\r\n\r\n") + 2);
  check(headers.find("\r\nBcc:") == std::string::npos && headers.rfind("Bcc:", 0) != 0);
  size_t line = 0;
  for (size_t i = 0; i < r.data.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(r.data[i]);
    check(c < 128 && c != 0);
    if (c == '\n') check(i > 0 && r.data[i - 1] == '\r');
    if (c == '\r') check(i + 1 < r.data.size() && r.data[i + 1] == '\n');
    line = c == '\n' ? 0 : line + 1;
    check(line <= 998);
  }
  // The Bcc address is in the envelope (once, even when it is also a To or Cc address).
  check(std::count(r.recipients.begin(), r.recipients.end(), m.bcc[0].email) == 1);
  return 0;
}
