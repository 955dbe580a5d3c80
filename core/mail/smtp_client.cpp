#include "core/mail/smtp_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <sodium.h>

#include <cctype>

namespace mvne::mail {
namespace {

struct Reply {
  int code = 0;
  std::string text;  // every line, joined by " | "
};

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

// The data with every line starting with "." doubled (RFC 5321 4.5.2) and the end marker.
std::string dot_stuffed(const std::string& data) {
  std::string out;
  out.reserve(data.size() + 64);
  bool line_start = true;
  for (char c : data) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  return out + ".\r\n";
}

}  // namespace

struct SmtpSession::Impl {
  RelaySettings settings;
  Poco::Net::StreamSocket socket;
  std::string buffer;  // received, not yet consumed
  bool tls = false;
  bool broken = false;

  void write(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      int n = socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
      if (n <= 0) throw Poco::IOException("connection closed while sending");
      sent += static_cast<size_t>(n);
    }
  }

  std::string read_line() {
    for (;;) {
      size_t eol = buffer.find("\r\n");
      if (eol != std::string::npos) {
        std::string line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        return line;
      }
      if (buffer.size() > 65536) throw Poco::IOException("reply line too long");
      char chunk[4096];
      int n = socket.receiveBytes(chunk, sizeof chunk);
      if (n <= 0) throw Poco::IOException("connection closed by the relay");
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  Reply read_reply() {
    Reply r;
    for (;;) {
      std::string line = read_line();
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])))
        throw Poco::ProtocolException("not an SMTP reply: " + line.substr(0, 80));
      r.code = std::stoi(line.substr(0, 3));
      r.text += (r.text.empty() ? "" : " | ") + line;
      if (line.size() < 4 || line[3] != '-') return r;
    }
  }

  Reply command(const std::string& line) {
    write(line + "\r\n");
    return read_reply();
  }

  bool offers(const Reply& ehlo, const std::string& keyword) const {
    std::string upper;
    for (char c : ehlo.text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper.find(keyword) != std::string::npos;
  }

  Status greet() {
    Reply hello = read_reply();
    if (hello.code != 220) return Status::Unavailable("relay greeting: " + hello.text);
    Reply ehlo = command("EHLO " + settings.helo);
    if (ehlo.code != 250) return Status::Unavailable("EHLO refused: " + ehlo.text);
    if (settings.starttls != "off" && offers(ehlo, "STARTTLS")) {
      Reply go = command("STARTTLS");
      if (go.code != 220) return Status::Unavailable("STARTTLS refused: " + go.text);
      Poco::Net::Context::Ptr context = new Poco::Net::Context(
          Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED);
      socket = Poco::Net::SecureStreamSocket::attach(socket, settings.host, context);
      buffer.clear();
      ehlo = command("EHLO " + settings.helo);
      if (ehlo.code != 250) return Status::Unavailable("EHLO after STARTTLS refused: " + ehlo.text);
      tls = true;
    } else if (settings.starttls == "required") {
      return Status::Unavailable("the relay " + settings.host + ":" +
                                 std::to_string(settings.port) +
                                 " does not offer STARTTLS, which [mail] starttls requires");
    }
    if (!settings.user.empty() && !password_may_go(tls, socket.peerAddress().host().toString())) {
      return Status::Unavailable("not sending the mail password to " + settings.host +
                                 " in clear: the relay offers no STARTTLS");
    }
    if (!settings.user.empty()) {
      std::string plain = std::string(1, '\0') + settings.user + '\0' + settings.password;
      Reply auth = command("AUTH PLAIN " + base64(plain));
      if (auth.code != 235) return Status::Unavailable("AUTH refused: " + auth.text);
    }
    return Status::Ok();
  }
};

bool password_may_go(bool tls, const std::string& peer) {
  if (tls) return true;
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(peer, address) && address.isLoopback();
}

SmtpSession::SmtpSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpSession::~SmtpSession() = default;

StatusOr<std::unique_ptr<SmtpSession>> SmtpSession::open(const RelaySettings& settings) {
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  const std::string where = settings.host + ":" + std::to_string(settings.port);
  try {
    Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(settings.timeout_ms) * 1000);
    impl->socket.connect(Poco::Net::SocketAddress(settings.host, settings.port), timeout);
    impl->socket.setReceiveTimeout(timeout);
    impl->socket.setSendTimeout(timeout);
    if (Status st = impl->greet(); !st.ok()) return st;
  } catch (const Poco::Exception& e) {
    return Status::Unavailable("mail relay " + where + ": " + e.displayText());
  }
  return std::unique_ptr<SmtpSession>(new SmtpSession(std::move(impl)));
}

Delivery SmtpSession::send(const std::string& from, const std::vector<std::string>& recipients,
                           const std::string& data) {
  Impl& s = *impl_;
  auto refused = [&](const Reply& r) {
    s.command("RSET");
    return Delivery{r.code >= 500 ? Delivery::kPermanent : Delivery::kTemporary, r.text};
  };
  try {
    Reply r = s.command("MAIL FROM:<" + from + ">");
    if (r.code != 250) return refused(r);
    for (const auto& to : recipients) {
      r = s.command("RCPT TO:<" + to + ">");
      if (r.code != 250 && r.code != 251) return refused(r);
    }
    r = s.command("DATA");
    if (r.code != 354) return refused(r);
    s.write(dot_stuffed(data));
    r = s.read_reply();
    if (r.code != 250) return Delivery{r.code >= 500 ? Delivery::kPermanent : Delivery::kTemporary, r.text};
    return Delivery{Delivery::kSent, r.text};
  } catch (const Poco::Exception& e) {
    s.broken = true;
    return Delivery{Delivery::kTemporary, "connection to the relay: " + e.displayText()};
  } catch (const std::exception& e) {
    s.broken = true;
    return Delivery{Delivery::kTemporary, std::string("connection to the relay: ") + e.what()};
  }
}

bool SmtpSession::usable() const { return !impl_->broken; }

void SmtpSession::quit() {
  if (impl_->broken) return;
  try {
    impl_->command("QUIT");
  } catch (const std::exception&) {
  }
  impl_->socket.close();
}

}  // namespace mvne::mail
