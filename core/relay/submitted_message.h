// What the relay reads from a submitted message's header section (RFC 5322): the addresses
// named in To and Cc, so that the envelope's other recipients are its Bcc; the subject and
// Message-ID for the sender's notice; and the message as it may go out, with every Bcc and
// Resent-Bcc field taken out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace mvne::relay {

struct Submitted {
  std::vector<std::string> to, cc;  // envelope recipients named there, lower-case
  std::vector<std::string> bcc;     // envelope recipients named in neither
  std::string subject;              // decoded (RFC 2047) to UTF-8, for the notice
  std::string message_id;           // as the header gives it, or the one added
  std::string data;                 // without Bcc fields; a Message-ID added when missing
};

// Invalid when there is no header section or no From field. `id_domain` names this relay in
// a Message-ID it adds.
StatusOr<Submitted> read_submitted(std::string data, const std::vector<std::string>& recipients,
                                   const std::string& id_domain, int64_t now_us);

// The name of a header field of `data` that names one of `addresses` (case-insensitive), or
// "" when none does. The last check before a held message goes out: a Bcc recipient must
// appear in no header at all.
std::string header_naming(const std::string& data, const std::vector<std::string>& addresses);

// The text of an RFC 2047 encoded header value in UTF-8 (words in a charset iconv does not
// know are kept as they are).
std::string decode_header_text(const std::string& value);

}  // namespace mvne::relay
