#include "tests/support/mail_submit.h"

#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace mvne::testing {
namespace {

std::string joined(const std::vector<std::string>& list, const char* separator) {
  std::string out;
  for (const auto& a : list) out += (out.empty() ? "" : separator) + a;
  return out;
}

}  // namespace

uint16_t free_port(int type) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("free_port: no socket");
  ::close(fd);
  return ntohs(a.sin_port);
}

std::pair<std::string, std::string> test_certificate(const TempDir& dir) {
  const std::string cert = dir.path() + "/relay-cert.pem", key = dir.path() + "/relay-key.pem";
  ExitResult r =
      run_binary("/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                      key, "-out", cert, "-days", "2", "-subj", "/CN=relay.test"});
  if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
  return {cert, key};
}

std::string submission_data(const Submission& s) {
  std::string d = "From: <" + s.mailbox + ">\r\n";
  if (!s.to.empty()) d += "To: " + joined(s.to, ",\r\n ") + "\r\n";
  if (!s.cc.empty()) d += "Cc: " + joined(s.cc, ", ") + "\r\n";
  // Many mail clients hand the submission server a Bcc field; the relay must take it out.
  if (!s.bcc.empty()) d += "Bcc: " + joined(s.bcc, ",\r\n ") + "\r\n";
  d += "Subject: " + s.subject + "\r\n";
  if (!s.message_id.empty()) d += "Message-ID: " + s.message_id + "\r\n";
  d += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + s.body;
  return d;
}

namespace {

ExitResult swaks(uint16_t port, const Submission& s, const TempDir& dir,
                 const std::vector<std::string>& login) {
  static std::atomic<int> n{0};
  const std::string file =
      dir.write("submission-" + std::to_string(++n) + ".eml", submission_data(s));
  std::vector<std::string> recipients = s.to;
  recipients.insert(recipients.end(), s.cc.begin(), s.cc.end());
  recipients.insert(recipients.end(), s.bcc.begin(), s.bcc.end());
  std::vector<std::string> args = {"--server",  "127.0.0.1:" + std::to_string(port),
                                   "--from",    s.mailbox,
                                   "--to",      joined(recipients, ","),
                                   "--data",    file,
                                   "--helo",    "client.test",
                                   "--timeout", "30"};
  args.insert(args.end(), login.begin(), login.end());
  return run_binary("/usr/bin/swaks", args, 60);
}

}  // namespace

ExitResult swaks_submit(uint16_t port, const Submission& s, const TempDir& dir) {
  return swaks(
      port, s, dir,
      {"--tls", "--auth", "PLAIN", "--auth-user", s.mailbox, "--auth-password", s.password});
}

ExitResult swaks_send(uint16_t port, const Submission& s, const TempDir& dir) {
  return swaks(port, s, dir, {});
}

std::string header_section(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  return end == std::string::npos ? data : data.substr(0, end + 2);
}

std::string decoded_body(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return "";
  std::string body = data.substr(end + 4);
  if (header_section(data).find("Content-Transfer-Encoding: base64") == std::string::npos)
    return body;
  std::string compact;
  for (char c : body)
    if (c != '\r' && c != '\n') compact += c;
  std::string out(compact.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), compact.data(),
                        compact.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return "";
  out.resize(len);
  return out;
}

}  // namespace mvne::testing
