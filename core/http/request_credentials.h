// Where a request carries its credentials: the token of `Authorization: Bearer <token>` and
// the value of one cookie in a `Cookie` header. Pure string functions (fuzzed in
// tools/fuzz: credentials).
#pragma once

#include <string>

namespace mvne::http {

// The token of an `Authorization` value "Bearer <token>" (the scheme as sent by clients,
// case-sensitive), or "" when the value is not of that form.
std::string bearer_token(const std::string& authorization);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "" when absent; never
// holds a ';'.
std::string cookie_value(const std::string& cookies, const std::string& name);

}  // namespace mvne::http
