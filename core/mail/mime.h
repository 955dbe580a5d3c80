// Renders a checked Message as an RFC 5322 / MIME message (RFC 2045-2047): UTF-8 display
// names and subjects as encoded-words, bodies 7bit when plain ASCII with short lines, else
// base64; text and HTML together as multipart/alternative; CRLF line ends. There is never a
// Bcc header: the Bcc recipients are only in the envelope.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/mail/message.h"

namespace mvne::mail {

struct Rendered {
  std::string message_id;  // "<...@domain>", also in the Message-ID header
  std::string envelope_from;
  std::vector<std::string> recipients;  // envelope_recipients(m)
  std::string data;                     // headers and body, CRLF, without SMTP dot-stuffing
};

// `m` must have passed validate(). `domain` names this host in the Message-ID.
Rendered render(const Message& m, int64_t now_us, const std::string& domain);

// A new, random Message-ID ("<hex@domain>").
std::string new_message_id(const std::string& domain);

// A Date header value in UTC, "Tue, 01 Dec 2026 09:30:00 +0000".
std::string rfc5322_date(int64_t now_us);

// An RFC 2047 encoded-word sequence for a header value ("=?UTF-8?B?...?=" words of at most
// 75 characters, never splitting a UTF-8 character, joined by CRLF SP), or the text itself
// when it is printable ASCII. Exposed for tests.
std::string encode_header_text(const std::string& text);

}  // namespace mvne::mail
