// Helpers for the relay's tests: a free loopback port, a throwaway TLS certificate, a
// submission through swaks (STARTTLS, AUTH PLAIN), and reading what the sink received.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {

// A port on 127.0.0.1 that nothing listens on at the moment of the call.
uint16_t free_port(int type = SOCK_STREAM);  // SOCK_DGRAM: a free UDP port

// Writes a self-signed certificate and key for "relay.test" (openssl) into `dir`; returns
// {cert path, key path}.
std::pair<std::string, std::string> test_certificate(const TempDir& dir);

struct Submission {
  std::string mailbox, password;
  std::vector<std::string> to, cc, bcc;  // envelope = to + cc + bcc; headers: To, Cc, Bcc
  std::string subject = "hello";
  std::string message_id;  // "<...>"
  std::string body = "Hello.\r\n";
};

// The message as a client writes it (CRLF), with a Bcc field as many clients send it.
std::string submission_data(const Submission& s);

// Submits `s` to the relay's submission listener at `port` with swaks; exit code 0 when
// the relay accepted it.
ExitResult swaks_submit(uint16_t port, const Submission& s, const TempDir& dir);
// The same in clear without AUTH (to Postfix, which takes mail from loopback).
ExitResult swaks_send(uint16_t port, const Submission& s, const TempDir& dir);

// The body of a message the host rendered (7bit, or base64 decoded), or "" if unreadable.
std::string decoded_body(const std::string& data);

// The header section (up to the empty line) of a message.
std::string header_section(const std::string& data);

}  // namespace mvne::testing
