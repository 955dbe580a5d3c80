// One SMTP server conversation of the hold-and-notify relay, without I/O: bytes in, replies
// out. The listener (smtp_listener.h) moves the bytes and does the TLS handshake; the hooks
// check passwords and store accepted messages. Two modes:
//
//   submission  a tenant's users (RFC 6409): AUTH PLAIN or LOGIN with a relay mailbox, only
//               after STARTTLS; MAIL FROM must be the authenticated mailbox.
//   filter      behind Postfix as an after-queue content filter: no AUTH, on loopback; the
//               hooks decide from MAIL FROM whether a message is held.
//
// Limits: command lines of 512 octets, text lines of `max_line`, `max_bytes` a message (SIZE
// is advertised and checked up front), `max_recipients` a message; 10 errors end the
// session. Bytes that follow STARTTLS in the same packet are discarded (they were sent in
// clear and must not be taken as if they came over TLS).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/relay/smtp_protocol.h"

namespace mvne::relay {

enum class SessionMode { kSubmission, kFilter };

struct SessionLimits {
  size_t max_bytes = 10 * 1024 * 1024;
  size_t max_recipients = 100;
  size_t max_line = 1000;  // octets, CRLF included (RFC 5321 4.5.3.1.6)
  int max_errors = 10;
};

struct Envelope {
  std::string mailbox;  // the authenticated mailbox (submission), "" in filter mode
  std::string from;     // MAIL FROM ("" for the null path)
  std::vector<std::string> recipients;
  std::string helo, peer;
  bool tls = false;
};

class SessionHooks {
 public:
  virtual ~SessionHooks() = default;
  // Whether `password` is right for the relay mailbox `user`, tried from `peer`.
  virtual bool authenticate(const std::string& user, const std::string& password,
                            const std::string& peer) = 0;
  // Stores a complete message durably before the client is told it is accepted. Ok: the
  // message's reference for the "250" reply. An error: Invalid and FailedPrecondition are
  // refused for good (5xx), anything else is a temporary failure (4xx).
  virtual StatusOr<std::string> accept(const Envelope& envelope, std::string data) = 0;
};

class SmtpServerSession {
 public:
  SmtpServerSession(SessionMode mode, SessionLimits limits, SessionHooks* hooks,
                    std::string hostname, std::string peer, bool tls_available);

  std::string greeting() const;
  // Takes what the client sent and appends the replies to `out`.
  void feed(std::string_view bytes, std::string& out);
  // After a "220 ready to start TLS" the caller performs the handshake, then calls this.
  void tls_started();

  bool wants_tls() const { return state_ == State::kStartTls; }
  bool closed() const { return state_ == State::kClosed; }

 private:
  enum class State { kCommand, kAuthPlain, kAuthLoginUser, kAuthLoginPassword, kData, kStartTls,
                     kClosed };
  void command(const std::string& line, std::string& out);
  void ehlo(const Command& c, std::string& out);
  void auth(const Command& c, std::string& out);
  void auth_response(const std::string& line, std::string& out);
  void check_password(const std::string& user, const std::string& password, std::string& out);
  void mail(const Command& c, std::string& out);
  void rcpt(const Command& c, std::string& out);
  void data_done(std::string& out);
  void error(std::string reply, std::string& out);
  void reset_transaction();

  const SessionMode mode_;
  const SessionLimits limits_;
  SessionHooks* hooks_;
  const std::string hostname_;
  const bool tls_available_;
  State state_ = State::kCommand;
  LineSplitter lines_{512};
  std::unique_ptr<DataReader> data_;
  Envelope envelope_;
  bool greeted_ = false, in_transaction_ = false;
  std::string login_user_;
  int errors_ = 0, auth_failures_ = 0;
};

}  // namespace mvne::relay
