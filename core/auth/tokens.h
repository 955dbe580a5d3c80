// Random bearer secrets and the one-way hashes they are stored as. Every secret the host
// hands out (API keys, consumer sessions, password-reset tokens) has 256 bits from libsodium's
// generator, so a fast hash (BLAKE2b) is enough: there is nothing to guess.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mvne::auth {

// `bytes` random bytes, as lower-case hex.
std::string random_hex(size_t bytes);

// BLAKE2b-256 of `secret`, as hex; with `label`, keyed by it, so that one secret yields
// unrelated values for unrelated uses (a session's CSRF token, say).
std::string hash_secret(std::string_view secret, std::string_view label = {});

// Constant-time comparison of two strings (different lengths compare unequal at once).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace mvne::auth
