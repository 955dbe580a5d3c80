// libFuzzer target for the relay's SMTP server side (core/relay/smtp_protocol.cpp,
// smtp_server_session.cpp) and what it hands on (submitted_message.cpp). The first byte
// chooses the mode (submission or filter) and how the rest is cut into reads; the rest is
// what a client sends, with STARTTLS "performed" whenever asked. Properties, else abort:
// every reply line is "ddd" + SP or "-" and ends in CRLF; an accepted message has CRLF line
// ends only and no line over the limit; nothing is accepted after the session closed;
// reading an accepted message leaves no Bcc field in what would go out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/relay/smtp_server_session.h"
#include "core/relay/submitted_message.h"

namespace {

using namespace mvne::relay;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Hooks : SessionHooks {
  bool closed = false;
  bool authenticate(const std::string&, const std::string& password, const std::string&) override {
    return password == "pw";
  }
  mvne::StatusOr<std::string> accept(const Envelope& e, std::string data) override {
    check(!closed);
    check(!e.recipients.empty());
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '\n') check(i > 0 && data[i - 1] == '\r');
      if (data[i] == '\r') check(i + 1 < data.size() && data[i + 1] == '\n');
    }
    size_t start = 0;
    while (start < data.size()) {
      size_t end = data.find("\r\n", start);
      check(end != std::string::npos && end - start + 2 <= 1000);
      start = end + 2;
    }
    auto s = read_submitted(data, e.recipients, "fuzz.test", 0);
    if (s.ok()) {
      std::string lower = s->data.substr(0, s->data.find("\r\n\r\n") + 2);
      for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      check(lower.rfind("bcc:", 0) != 0 && lower.find("\r\nbcc:") == std::string::npos);
      check(header_naming(s->data, {}).empty());
    }
    (void)decode_header_text(data.substr(0, 300));
    return std::string("F1");
  }
};

void check_replies(const std::string& out) {
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find("\r\n", start);
    check(end != std::string::npos && end - start >= 4);
    check(out[start] >= '2' && out[start] <= '5');
    check(out[start + 3] == ' ' || out[start + 3] == '-');
    check(out.substr(start, end - start).find_first_of("\r\n") == std::string::npos);
    start = end + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const SessionMode mode = (data[0] & 1) ? SessionMode::kFilter : SessionMode::kSubmission;
  const size_t chunk = 1 + (data[0] >> 1);
  Hooks hooks;
  SessionLimits limits;
  limits.max_bytes = 4096;
  limits.max_recipients = 5;
  SmtpServerSession session(mode, limits, &hooks, "fuzz.test", "127.0.0.1", true);
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (size_t pos = 0; pos < in.size() && !session.closed(); pos += chunk) {
    std::string out;
    session.feed(in.substr(pos, chunk), out);
    check_replies(out);
    if (session.wants_tls()) session.tls_started();
  }
  hooks.closed = session.closed();
  return 0;
}
