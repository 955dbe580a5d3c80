// Escaping of untrusted text before it reaches a log line or a terminal: decoded request
// paths, key ids, spool lines and plugin messages may hold newlines (a forged log line),
// ANSI/OSC escape sequences, bidirectional overrides or bytes that are not UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace mvne::log {

// Text for one line of a log or a terminal: '\\' -> "\\\\", newline, CR and tab as "\\n",
// "\\r", "\\t", other C0 controls, DEL and bytes that are not UTF-8 as "\\xNN", C1 controls
// and bidirectional formatting characters as "\\uNNNN". Printable UTF-8 passes unchanged.
std::string printable(std::string_view text);

// Text for a JSON string literal (without the quotes), always valid JSON: quotes,
// backslashes and controls escaped, C1 controls and bidirectional formatting characters
// as "\\uNNNN", each byte that is not part of valid UTF-8 as "\\ufffd".
std::string json_escape(std::string_view text);

}  // namespace mvne::log
