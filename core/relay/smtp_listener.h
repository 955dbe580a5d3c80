// An SMTP listener of the relay on Boost.Asio: one SmtpServerSession per connection, the
// STARTTLS handshake through Asio's OpenSSL stream when a certificate is configured, at most
// max_connections at once (the next one hears "421 try again later" and is closed), and an
// idle limit per read. Its own threads run the sessions; the hooks they call (password
// checks, storing a message) block only those threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/relay/smtp_server_session.h"

namespace mvne::relay {

struct ListenerOptions {
  std::string listen;  // host:port; port 0 picks a free one (tests)
  SessionMode mode = SessionMode::kSubmission;
  SessionLimits limits;
  std::string hostname = "localhost";
  std::string tls_cert, tls_key;  // both empty: no STARTTLS
  int max_connections = 100;
  int idle_timeout_s = 300;
  int threads = 4;
};

class SmtpListener {
 public:
  using HooksFactory = std::function<std::unique_ptr<SessionHooks>()>;
  SmtpListener(ListenerOptions options, HooksFactory hooks);
  ~SmtpListener();

  // Loads the certificate, binds and starts the threads. Fails naming the file or address.
  // A filter listener (no AUTH) must be on a loopback address.
  Status start();
  uint16_t port() const;
  // Stops accepting and closes every connection; joins the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mvne::relay
