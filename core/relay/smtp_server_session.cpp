#include "core/relay/smtp_server_session.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace mvne::relay {
namespace {

constexpr size_t kMaxCommandLine = 512;  // RFC 5321 4.5.3.1.4, CRLF included
constexpr int kMaxAuthFailures = 3;
constexpr char kBareNewline[] =
    "521 5.5.2 bare <LF> or <CR> received: only <CR><LF> ends a line; closing\r\n";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A reply text must stay on one line whatever the hooks said.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s.substr(0, 400);
}

bool decode_base64(const std::string& in, std::string* out) {
  out->assign(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), in.data(),
                        in.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out->resize(len);
  return true;
}

}  // namespace

SmtpServerSession::SmtpServerSession(SessionMode mode, SessionLimits limits, SessionHooks* hooks,
                                     std::string hostname, std::string peer, bool tls_available)
    : mode_(mode),
      limits_(limits),
      hooks_(hooks),
      hostname_(std::move(hostname)),
      tls_available_(tls_available),
      lines_(kMaxCommandLine) {
  envelope_.peer = std::move(peer);
}

std::string SmtpServerSession::greeting() const {
  return "220 " + hostname_ + " ESMTP mvne hold-and-notify relay\r\n";
}

void SmtpServerSession::feed(std::string_view bytes, std::string& out) {
  size_t pos = 0;
  while (pos < bytes.size() && state_ != State::kClosed && state_ != State::kStartTls) {
    if (state_ == State::kData) {
      DataReader::Result r = data_->feed(bytes, &pos);
      if (r == DataReader::Result::kBareNewline) {
        out += kBareNewline;
        state_ = State::kClosed;
      } else if (r == DataReader::Result::kDone) {
        data_done(out);
      }
      continue;
    }
    std::string line;
    switch (lines_.next(bytes, &pos, &line)) {
      case LineSplitter::Result::kNeedMore:
        return;
      case LineSplitter::Result::kBareNewline:
        out += kBareNewline;
        state_ = State::kClosed;
        return;
      case LineSplitter::Result::kTooLong:
        error("500 5.5.2 line too long (at most 512 octets for a command)\r\n", out);
        break;
      case LineSplitter::Result::kLine:
        if (state_ == State::kCommand)
          command(line, out);
        else
          auth_response(line, out);
        break;
    }
  }
  // What followed STARTTLS in clear is dropped with any partial line (RFC 3207 section 6).
  if (state_ == State::kStartTls) lines_ = LineSplitter(kMaxCommandLine);
}

void SmtpServerSession::tls_started() {
  Envelope fresh;
  fresh.peer = envelope_.peer;
  fresh.tls = true;
  envelope_ = std::move(fresh);
  greeted_ = in_transaction_ = false;
  state_ = State::kCommand;
}

void SmtpServerSession::command(const std::string& line, std::string& out) {
  Command c = parse_command(line);
  const std::string& v = c.verb;
  if (v == "EHLO" || v == "HELO") return ehlo(c, out);
  if (v == "NOOP") return void(out += "250 2.0.0 Ok\r\n");
  if (v == "RSET") {
    reset_transaction();
    return void(out += "250 2.0.0 Ok\r\n");
  }
  if (v == "QUIT") {
    out += "221 2.0.0 Bye\r\n";
    state_ = State::kClosed;
    return;
  }
  if (v == "VRFY") return void(out += "252 2.0.0 Cannot VRFY; send some mail\r\n");
  if (v == "GET" || v == "POST" || v == "HEAD" || v == "CONNECT" || v == "PUT") {
    out += "221 2.7.0 This is an SMTP server, not HTTP\r\n";
    state_ = State::kClosed;
    return;
  }
  if (v == "STARTTLS") {
    if (!tls_available_ || envelope_.tls)
      return error(envelope_.tls ? "503 5.5.1 TLS already active\r\n"
                                 : "502 5.5.1 STARTTLS not available\r\n",
                   out);
    if (!c.argument.empty()) return error("501 5.5.4 STARTTLS takes no argument\r\n", out);
    out += "220 2.0.0 Ready to start TLS\r\n";
    state_ = State::kStartTls;
    return;
  }
  if (v == "AUTH") return auth(c, out);
  if (v == "MAIL") return mail(c, out);
  if (v == "RCPT") return rcpt(c, out);
  if (v == "DATA") {
    if (!in_transaction_) return error("503 5.5.1 MAIL first\r\n", out);
    if (envelope_.recipients.empty()) return error("554 5.5.1 No valid recipients\r\n", out);
    if (!c.argument.empty()) return error("501 5.5.4 DATA takes no argument\r\n", out);
    data_ = std::make_unique<DataReader>(limits_.max_bytes, limits_.max_line);
    state_ = State::kData;
    out += "354 End data with <CR><LF>.<CR><LF>\r\n";
    return;
  }
  error("502 5.5.2 Command not recognised\r\n", out);
}

void SmtpServerSession::ehlo(const Command& c, std::string& out) {
  if (c.argument.empty()) return error("501 5.5.4 " + c.verb + " needs a domain\r\n", out);
  envelope_.helo = c.argument.substr(0, 255);
  greeted_ = true;
  reset_transaction();
  if (c.verb == "HELO") return void(out += "250 " + hostname_ + "\r\n");
  std::vector<std::string> lines = {hostname_, "PIPELINING",
                                    "SIZE " + std::to_string(limits_.max_bytes)};
  if (tls_available_ && !envelope_.tls) lines.push_back("STARTTLS");
  if (mode_ == SessionMode::kSubmission && envelope_.tls && envelope_.mailbox.empty())
    lines.push_back("AUTH PLAIN LOGIN");
  lines.push_back("8BITMIME");
  lines.push_back("ENHANCEDSTATUSCODES");
  for (size_t i = 0; i < lines.size(); ++i)
    out += (i + 1 < lines.size() ? "250-" : "250 ") + lines[i] + "\r\n";
}

void SmtpServerSession::auth(const Command& c, std::string& out) {
  if (mode_ != SessionMode::kSubmission) return error("502 5.5.1 AUTH not available here\r\n", out);
  if (!greeted_) return error("503 5.5.1 EHLO first\r\n", out);
  if (!envelope_.mailbox.empty()) return error("503 5.5.1 Already authenticated\r\n", out);
  if (in_transaction_) return error("503 5.5.1 AUTH not allowed during a transaction\r\n", out);
  if (!envelope_.tls) return error("538 5.7.11 Encryption required: STARTTLS first\r\n", out);
  Command m = parse_command(c.argument);
  if (m.verb == "PLAIN") {
    if (m.argument.empty()) {
      state_ = State::kAuthPlain;
      out += "334 \r\n";
      return;
    }
    return auth_response(m.argument == "=" ? std::string() : m.argument, out);
  }
  if (m.verb == "LOGIN") {
    if (m.argument.empty()) {
      state_ = State::kAuthLoginUser;
      out += "334 VXNlcm5hbWU6\r\n";  // "Username:"
      return;
    }
    state_ = State::kAuthLoginUser;
    return auth_response(m.argument, out);
  }
  error("504 5.5.4 Unrecognised authentication type (PLAIN or LOGIN)\r\n", out);
}

void SmtpServerSession::auth_response(const std::string& line, std::string& out) {
  State was = state_;
  state_ = State::kCommand;
  if (line == "*") return error("501 5.0.0 Authentication cancelled\r\n", out);
  std::string decoded;
  if (!decode_base64(line, &decoded)) return error("501 5.5.2 Cannot decode the response\r\n", out);
  if (was == State::kAuthLoginUser) {
    login_user_ = decoded;
    state_ = State::kAuthLoginPassword;
    out += "334 UGFzc3dvcmQ6\r\n";  // "Password:"
    return;
  }
  if (was == State::kAuthLoginPassword) return check_password(login_user_, decoded, out);
  // PLAIN (RFC 4616): authzid NUL authcid NUL password; an authzid must be the authcid.
  size_t first = decoded.find('\0');
  size_t second = first == std::string::npos ? first : decoded.find('\0', first + 1);
  if (second == std::string::npos) return error("501 5.5.2 Malformed PLAIN response\r\n", out);
  std::string authzid = decoded.substr(0, first);
  std::string user = decoded.substr(first + 1, second - first - 1);
  if (!authzid.empty() && lower(authzid) != lower(user))
    return error("535 5.7.8 Authentication credentials invalid\r\n", out);
  check_password(user, decoded.substr(second + 1), out);
}

void SmtpServerSession::check_password(const std::string& user, const std::string& password,
                                       std::string& out) {
  // A mailbox name has no controls or spaces: another name is refused like wrong
  // credentials, unlooked-up, and so never reaches a reply or a log line.
  bool plausible = !user.empty() && user.size() <= 254;
  for (unsigned char c : user) plausible = plausible && c > 0x20 && c != 0x7f;
  if (plausible && hooks_->authenticate(lower(user), password, envelope_.peer)) {
    envelope_.mailbox = lower(user);
    out += "235 2.7.0 Authentication successful\r\n";
    return;
  }
  if (++auth_failures_ >= kMaxAuthFailures) {
    out += "421 4.7.0 Too many failed authentications; closing\r\n";
    state_ = State::kClosed;
    return;
  }
  error("535 5.7.8 Authentication credentials invalid\r\n", out);
}

void SmtpServerSession::mail(const Command& c, std::string& out) {
  if (!greeted_) return error("503 5.5.1 EHLO first\r\n", out);
  if (mode_ == SessionMode::kSubmission && envelope_.mailbox.empty())
    return error("530 5.7.0 Authentication required\r\n", out);
  if (in_transaction_) return error("503 5.5.1 Nested MAIL command\r\n", out);
  auto path = parse_path(c.argument, "FROM");
  if (!path.ok())
    return error("501 5.1.7 Bad sender address: " + path.status().message() + "\r\n", out);
  for (const auto& [name, value] : path->params) {
    if (name == "SIZE") {
      char* end = nullptr;
      unsigned long long size = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') return error("501 5.5.4 SIZE must be a number\r\n", out);
      if (size > limits_.max_bytes)
        return error("552 5.3.4 Message too big (at most " + std::to_string(limits_.max_bytes) +
                         " bytes)\r\n",
                     out);
    } else if (name != "BODY" && name != "AUTH") {
      return error("555 5.5.4 Unsupported parameter " + one_line(name.substr(0, 40)) + "\r\n", out);
    }
  }
  if (mode_ == SessionMode::kSubmission && lower(path->address) != envelope_.mailbox)
    return error(
        "553 5.7.1 The sender must be the authenticated mailbox " + envelope_.mailbox + "\r\n",
        out);
  envelope_.from = lower(path->address);
  in_transaction_ = true;
  out += "250 2.1.0 Ok\r\n";
}

void SmtpServerSession::rcpt(const Command& c, std::string& out) {
  if (!in_transaction_) return error("503 5.5.1 MAIL first\r\n", out);
  auto path = parse_path(c.argument, "TO");
  if (!path.ok())
    return error("501 5.1.3 Bad recipient address: " + path.status().message() + "\r\n", out);
  if (path->address.empty()) return error("501 5.1.3 A recipient cannot be <>\r\n", out);
  if (!path->params.empty()) return error("555 5.5.4 RCPT takes no parameters here\r\n", out);
  std::string address = lower(path->address);
  if (std::find(envelope_.recipients.begin(), envelope_.recipients.end(), address) !=
      envelope_.recipients.end())
    return void(out += "250 2.1.5 Ok\r\n");
  if (envelope_.recipients.size() >= limits_.max_recipients)
    return void(out += "452 4.5.3 Too many recipients (at most " +
                       std::to_string(limits_.max_recipients) + " a message)\r\n");
  envelope_.recipients.push_back(address);
  out += "250 2.1.5 Ok\r\n";
}

void SmtpServerSession::data_done(std::string& out) {
  state_ = State::kCommand;
  std::unique_ptr<DataReader> data = std::move(data_);
  if (data->too_big()) {
    out +=
        "552 5.3.4 Message too big (at most " + std::to_string(limits_.max_bytes) + " bytes)\r\n";
  } else if (data->line_too_long()) {
    out += "554 5.6.0 A line of the message is longer than " + std::to_string(limits_.max_line) +
           " octets\r\n";
  } else {
    auto ref = hooks_->accept(envelope_, data->take());
    if (ref.ok()) {
      out += "250 2.0.0 Ok: queued as " + one_line(ref.value()) + "\r\n";
    } else if (ref.status().code() == Code::kInvalidArgument ||
               ref.status().code() == Code::kFailedPrecondition) {
      out += "554 5.7.1 " + one_line(ref.status().message()) + "\r\n";
    } else {
      out += "451 4.3.0 " + one_line(ref.status().message()) + "\r\n";
    }
  }
  reset_transaction();
}

void SmtpServerSession::error(std::string reply, std::string& out) {
  out += reply;
  if (++errors_ >= limits_.max_errors) {
    out += "421 4.7.0 Too many errors; closing\r\n";
    state_ = State::kClosed;
  }
}

void SmtpServerSession::reset_transaction() {
  envelope_.from.clear();
  envelope_.recipients.clear();
  in_transaction_ = false;
}

}  // namespace mvne::relay
