// A mail message as the host takes it: structured, never raw header text. Bcc recipients
// are part of the message only so that the envelope reaches them; rendering never writes them
// into a header (mime.h). Every field is checked before anything is queued.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace mvne::mail {

struct Address {
  std::string name;   // display name, UTF-8; may be empty
  std::string email;  // local@domain, ASCII
};

struct Message {
  Address from;
  Address reply_to;  // empty email: none
  std::vector<Address> to, cc, bcc;
  std::string subject;  // UTF-8
  std::string text;     // plain-text body, UTF-8; at least one of text and html
  std::string html;     // HTML body, UTF-8
};

// At most this many recipients (to + cc + bcc) per message.
constexpr size_t kMaxRecipients = 1000;

// Every problem with `m`, each naming the field: an address that is not local@domain, a
// display name or subject with CR, LF or NUL (header injection), text that is not UTF-8,
// no recipient, no body. Ok when there is none.
Status validate(const Message& m);

// local@domain: printable ASCII without spaces, quotes, brackets, commas or semicolons in the
// local part; the domain dot-separated labels of letters, digits and hyphens.
bool is_address(std::string_view a);

// The envelope's recipients: to, cc and bcc addresses, each once, in that order.
std::vector<std::string> envelope_recipients(const Message& m);

}  // namespace mvne::mail
