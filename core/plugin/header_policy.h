// Which request headers a plugin may read and which response headers it may set.
// Credentials are the host's: it authenticates with them and never hands them on. The host
// owns framing and every header a browser, proxy or CDN acts on (caching above all: a
// shared cache must never keep a principal's response), so a plugin sets only what
// describes its content, from an allow-list.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mvne::plugin {

// True for request headers that carry credentials: Authorization, Proxy-Authorization,
// Cookie and the API-key and token headers clients use. Case-insensitive.
bool is_credential_header(std::string_view name);

// Empty when `name` is a header name and `value` a header value: at most kMaxValue bytes,
// no control characters. Otherwise what is wrong.
std::string malformed_header(std::string_view name, std::string_view value);

// Empty when a plugin may set `name` to `value`, otherwise why not. Allowed: Content-Type,
// Content-Disposition, Content-Language, Retry-After, Location (a path on this host),
// X-Next-Cursor, and custom headers named X-Mvne-<name>.
std::string unsettable_header(std::string_view name, std::string_view value);

// Case-insensitive, as HTTP compares header names.
bool same_header_name(std::string_view a, std::string_view b);

// Headers one response may carry from its plugin, and the longest value.
inline constexpr size_t kMaxResponseHeaders = 24;
inline constexpr size_t kMaxValue = 4096;

}  // namespace mvne::plugin
