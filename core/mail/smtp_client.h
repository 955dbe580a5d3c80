// An SMTP client for delivering the outbox to the configured relay (RFC 5321): EHLO,
// STARTTLS (off, optional or required), AUTH PLAIN, then any number of messages on one
// connection, each MAIL FROM / RCPT TO / DATA with dot-stuffing; every read and write under
// the configured timeout. A reply the relay gives is kept verbatim (one line) for the
// outbox and the operator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace mvne::mail {

struct RelaySettings {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string starttls = "optional";  // off, optional, required
  std::string user, password;         // AUTH PLAIN when user is set (only over TLS, or on loopback)
  int timeout_ms = 30000;
  std::string helo = "localhost";  // our name in EHLO
};

struct Delivery {
  enum Outcome { kSent, kTemporary, kPermanent } outcome = kTemporary;
  std::string reply;  // the relay's reply, or why the attempt failed
};

// Whether the mail password may be sent to a relay at `peer`: over TLS, or in clear only to a
// loopback address (a relay on this machine).
bool password_may_go(bool tls, const std::string& peer);

class SmtpSession {
 public:
  // Connects and greets; Unavailable (with the reason) when the relay cannot be reached or
  // refuses us, or STARTTLS is required and not offered.
  static StatusOr<std::unique_ptr<SmtpSession>> open(const RelaySettings& settings);
  ~SmtpSession();

  // One message. After a kTemporary caused by the connection, usable() is false.
  Delivery send(const std::string& from, const std::vector<std::string>& recipients,
                const std::string& data);
  bool usable() const;
  void quit();

 private:
  struct Impl;
  explicit SmtpSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mvne::mail
