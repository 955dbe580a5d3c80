// mail: messages per second end to end through the hold-and-notify relay, and through Postfix
// alone as the reference, in the same run. The same load goes to each: `connections` plain SMTP
// clients on loopback, each sending its share of `messages` over one connection (EHLO, then per
// message MAIL FROM, three RCPT TO, two of them named in To and one Bcc only, DATA of about
// 2 KB with a unique Message-ID; each reply awaited, QUIT at the end). Mail leaves for a
// counting SMTP sink inside this program.
//
//   relay    mvne-host's content-filter listener ([relay] filter_listen), on SQLite and on
//            MariaDB, the sender a relay mailbox of a tenant whose hold is 0 s and ends in
//            "send": every message is held, its sender notified, released into the outbox at
//            once and delivered by the mail worker to the sink ([mail] relay, starttls off);
//            the notices (from [mail] from) are counted apart.
//   postfix  a private Postfix (tools/postfix-instance, no content filter) relaying to the sink.
//
// Prints, for each: when the last "250" after DATA came (both queue before delivering), when
// the last message reached the sink, messages/s of each, and the ratio relay/postfix.
//
// Usage: mail [messages, default 2000] [connections, default 8]
//             [mysql://user:pw@host:port/db]   (the URL may also come from MVNE_TEST_MYSQL)
// Needs root and Postfix (tools/bootstrap installs it; tools/postfix-instance runs a private one
// on loopback). Gives up when nothing reaches the sink for 60 s; stops what it started and
// removes its directories also when it fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/platform/services.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/http_bench.h"

namespace {

using namespace mvne::bench;

constexpr double kStallSeconds = 60;  // nothing reached the sink for this long: give up
constexpr char kNoticeSender[] = "mvne@platform.bench";  // [mail] from: the notices' MAIL FROM
constexpr char kSender[] = "office@bench.example";       // the relay mailbox that submits
constexpr const char* kTo[] = {"to1@dest.example", "to2@dest.example"};
constexpr char kBcc[] = "bcc@hidden.example";

struct Options {
  int messages = 2000;
  int connections = 8;
  std::string mysql_url;
};

// A failure of the run: thrown, so that the host, Postfix and the scratch directories are
// stopped and removed on the way out to main (die() would exit past their destructors).
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what, const std::string& message) {
  throw Failure(what + ": " + message);
}

// The last `lines` lines of `path`, for a failure message (the file goes with its scratch dir).
std::string tail(const std::string& path, size_t lines = 20) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out = "\n--- last lines of " + path + " ---\n";
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += all[i] + "\n";
  return out;
}

// Like wait_until(), but a failure is thrown (with the tail of `log`).
void wait_ready(const std::string& what, double seconds, const std::function<bool()>& ready,
                const std::string& log) {
  Clock::time_point start = Clock::now();
  while (!ready()) {
    if (seconds_since(start) > seconds)
      fail(what, "not ready after " + std::to_string(static_cast<int>(seconds)) + " s" + tail(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

double since(Clock::time_point start, Clock::time_point t) {
  return std::chrono::duration<double>(t - start).count();
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The sink.

// The server side of one sink conversation, without I/O: bytes in, replies out. Every command
// gets its 250 (DATA 354, QUIT 221); no PIPELINING is offered, but lines sent together are
// answered together all the same.
class SinkConversation {
 public:
  using OnMessage = std::function<void(const std::string& sender)>;
  explicit SinkConversation(OnMessage on_message) : on_message_(std::move(on_message)) {}

  std::string feed(std::string_view bytes) {
    pending_.append(bytes);
    std::string out;
    while (!closed_ && (in_data_ ? data_end(out) : command(out))) {
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  // One command line, if a whole one is there.
  bool command(std::string& out) {
    size_t end = pending_.find("\r\n");
    if (end == std::string::npos) return false;
    std::string line = pending_.substr(0, end);
    pending_.erase(0, end + 2);
    std::string verb = line.substr(0, 4);
    std::transform(verb.begin(), verb.end(), verb.begin(), ::toupper);
    if (verb == "DATA") {
      in_data_ = true;
      pending_.insert(0, "\r\n");  // so that an empty message's "." is found like any other
      scanned_ = 0;
      out += "354 end with <CRLF>.<CRLF>\r\n";
    } else if (verb == "QUIT") {
      closed_ = true;
      out += "221 bye\r\n";
    } else {
      if (verb == "MAIL") sender_ = path_of(line);
      if (verb == "RSET") sender_.clear();
      out += "250 ok\r\n";
    }
    return true;
  }

  // The end of the DATA section, if it is there.
  bool data_end(std::string& out) {
    size_t end = pending_.find("\r\n.\r\n", scanned_);
    if (end == std::string::npos) {
      scanned_ = pending_.size() < 4 ? 0 : pending_.size() - 4;
      return false;
    }
    pending_.erase(0, end + 5);
    in_data_ = false;
    on_message_(sender_);
    out += "250 ok: queued\r\n";
    return true;
  }

  static std::string path_of(const std::string& line) {
    size_t open = line.find('<'), close = line.find('>', open);
    return open == std::string::npos || close == std::string::npos
               ? ""
               : line.substr(open + 1, close - open - 1);
  }

  OnMessage on_message_;
  std::string pending_, sender_;
  size_t scanned_ = 0;
  bool in_data_ = false, closed_ = false;
};

struct Arrivals {
  int64_t count = 0;
  Clock::time_point last{};
};

// A counting SMTP sink on 127.0.0.1 (a free port): one thread per connection, so that the
// deliverers' connections (Postfix opens many) are served at once. Counts messages per MAIL
// FROM with the time the last one arrived.
class CountingSink {
 public:
  CountingSink() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 256) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(listen_fd_);
      fail("sink", "cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~CountingSink() {
    shutdown(listen_fd_, SHUT_RDWR);  // accept() returns
    acceptor_.join();
    close(listen_fd_);
    std::vector<std::thread> sessions;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      for (int fd : open_) shutdown(fd, SHUT_RDWR);  // recv() returns
      sessions.swap(sessions_);
    }
    for (auto& t : sessions) t.join();
  }
  CountingSink(const CountingSink&) = delete;
  CountingSink& operator=(const CountingSink&) = delete;

  uint16_t port() const { return port_; }

  Arrivals from(const std::string& sender) const {
    std::lock_guard lock(mu_);
    auto it = by_sender_.find(sender);
    return it == by_sender_.end() ? Arrivals{} : it->second;
  }

  // Connections accepted so far: the deliverer's batches (one connection each, for mvne-host).
  int64_t connections() const {
    std::lock_guard lock(mu_);
    return connections_;
  }

  int64_t total() const {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (const auto& [sender, a] : by_sender_) n += a.count;
    return n;
  }

  // "sender: count" for each sender seen, for a failure message.
  std::string describe() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [sender, a] : by_sender_)
      out += (out.empty() ? "" : ", ") + (sender.empty() ? "<>" : sender) + ": " +
             std::to_string(a.count);
    return out.empty() ? "nothing" : out;
  }

 private:
  void accept_loop() {
    for (;;) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mu_);
      if (stopping_) {
        close(fd);
        return;
      }
      open_.insert(fd);
      ++connections_;
      sessions_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    SinkConversation conversation([this](const std::string& sender) { arrived(sender); });
    if (send_all(fd, "220 sink ESMTP\r\n")) {
      char buf[65536];
      ssize_t n;
      while (!conversation.closed() && (n = recv(fd, buf, sizeof buf, 0)) > 0)
        if (!send_all(fd, conversation.feed(std::string_view(buf, static_cast<size_t>(n))))) break;
    }
    std::lock_guard lock(mu_);  // closed under the lock: the sink never shuts down a reused fd
    open_.erase(fd);
    close(fd);
  }

  void arrived(const std::string& sender) {
    Clock::time_point now = Clock::now();
    std::lock_guard lock(mu_);
    Arrivals& a = by_sender_[sender];
    ++a.count;
    a.last = now;
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::map<std::string, Arrivals> by_sender_;  // guarded by mu_
  std::set<int> open_;                         // guarded by mu_
  std::vector<std::thread> sessions_;          // guarded by mu_
  int64_t connections_ = 0;                    // guarded by mu_
  bool stopping_ = false;                      // guarded by mu_
};

// ---------------------------------------------------------------------------------------------
// The load generator.

// One plain SMTP client connection on loopback; every read waits at most kStallSeconds.
class SmtpConnection {
 public:
  explicit SmtpConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{static_cast<time_t>(kStallSeconds), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int on = 1;  // each command is one write: Nagle would only hold it for the server's ACK
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      fail("smtp", "nothing answers on 127.0.0.1:" + std::to_string(port));
  }
  ~SmtpConnection() { close(fd_); }
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  // Reads one reply (all its lines); fails unless its code is `code`.
  void expect(int code, const std::string& after) {
    std::string reply = read_reply();
    if (reply.empty()) reply = "nothing (the connection closed, or no reply in time)";
    if (std::atoi(reply.c_str()) != code)
      fail("smtp", "after " + after + " the server said: " + reply);
  }
  // Sends `line` and a CRLF, then expects `code`.
  void command(const std::string& line, int code) {
    if (!send_all(fd_, line + "\r\n")) fail("smtp", "connection lost sending " + line);
    expect(code, line);
  }
  // Sends a message's text (CRLF line ends, no line starting with ".") and the end marker.
  void data(const std::string& text) {
    if (!send_all(fd_, text + ".\r\n")) fail("smtp", "connection lost in DATA");
    expect(250, "the end of DATA");
  }

 private:
  // Lines up to one whose fourth character is a space (the last line of a reply).
  std::string read_reply() {
    std::string reply;
    for (;;) {
      size_t end;
      while ((end = buffered_.find("\r\n")) == std::string::npos) {
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return reply + buffered_;  // closed, or kStallSeconds without a reply
        buffered_.append(buf, static_cast<size_t>(n));
      }
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 2);
      reply += line;
      if (line.size() < 4 || line[3] == ' ') return reply;
      reply += " / ";
    }
  }

  int fd_;
  std::string buffered_;
};

// The body every message shares: 24 lines of 76 characters, about 1.9 KB.
std::string shared_body() {
  std::string line;
  for (char c = 'a'; line.size() < 76; c = c == 'z' ? 'a' : static_cast<char>(c + 1)) line += c;
  std::string body;
  for (int i = 0; i < 24; ++i) body += line + "\r\n";
  return body;
}

// Message `n` of client `client` in run `run`: From, To (two of the three recipients), Subject
// and a Message-ID no other message of the run has.
std::string message_text(const std::string& run, int client, int n, const std::string& body) {
  std::string id = run + "." + std::to_string(client) + "." + std::to_string(n);
  return "From: Bench Office <" + std::string(kSender) + ">\r\nTo: " + kTo[0] + ", " + kTo[1] +
         "\r\nSubject: bench message " + id + "\r\nMessage-ID: <" + id + "." +
         std::to_string(getpid()) + "@client.bench>\r\n\r\n" + body;
}

struct Submission {
  Clock::time_point start;  // just before the first connection
  double accepted_s = 0;    // until the last "250" after DATA
};

// One client's share: EHLO, its messages one after the other, QUIT.
void submit_share(uint16_t port, const std::string& run, int client, int count,
                  const std::string& body) {
  SmtpConnection smtp(port);
  smtp.expect(220, "connecting");
  smtp.command("EHLO client.bench", 250);
  for (int n = 0; n < count; ++n) {
    smtp.command("MAIL FROM:<" + std::string(kSender) + ">", 250);
    for (const char* to : kTo) smtp.command("RCPT TO:<" + std::string(to) + ">", 250);
    smtp.command("RCPT TO:<" + std::string(kBcc) + ">", 250);
    smtp.command("DATA", 354);
    smtp.data(message_text(run, client, n, body));
  }
  smtp.command("QUIT", 221);
}

// `o.messages` messages over `o.connections` connections at once, to 127.0.0.1:`port`.
Submission submit_all(const Options& o, uint16_t port, const std::string& run) {
  const std::string body = shared_body();
  std::vector<std::string> errors(static_cast<size_t>(o.connections));
  std::vector<Clock::time_point> done(static_cast<size_t>(o.connections));
  std::vector<std::thread> clients;
  Submission s;
  s.start = Clock::now();
  for (int c = 0; c < o.connections; ++c) {
    int share = o.messages / o.connections + (c < o.messages % o.connections ? 1 : 0);
    clients.emplace_back([&, c, share] {
      try {
        submit_share(port, run, c, share, body);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(c)] = e.what();
      }
      done[static_cast<size_t>(c)] = Clock::now();
    });
  }
  for (auto& t : clients) t.join();
  for (const auto& e : errors)
    if (!e.empty()) fail(run + " submission", e);
  s.accepted_s = since(s.start, *std::max_element(done.begin(), done.end()));
  return s;
}

// ---------------------------------------------------------------------------------------------
// The runs.

struct Figures {
  int messages = 0;
  double accepted_s = 0;
  double delivered_s = 0;  // from the first submission to the last message at the sink
  int64_t delivered = 0;
  int64_t sink_connections = 0;  // how many connections the deliverer opened to the sink
  int64_t notices = 0;           // relay only
  double notices_s = 0;
};

// Waits until the sink holds `count` messages from each of `senders`; fails when nothing
// arrives for kStallSeconds (with the tail of `log`).
void wait_for_sink(const CountingSink& sink, const std::vector<std::string>& senders, int count,
                   const std::string& what, const std::string& log) {
  auto complete = [&] {
    for (const auto& s : senders)
      if (sink.from(s).count < count) return false;
    return true;
  };
  int64_t seen = sink.total();
  Clock::time_point progress = Clock::now();
  while (!complete()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (int64_t now = sink.total(); now != seen) {
      seen = now;
      progress = Clock::now();
    } else if (seconds_since(progress) > kStallSeconds) {
      fail(what, "nothing reached the sink for " + std::to_string(static_cast<int>(kStallSeconds)) +
                     " s; it has " + sink.describe() + " (expected " + std::to_string(count) +
                     " from each of " + std::to_string(senders.size()) + " sender(s))" + tail(log));
    }
  }
}

// `argv` running with its output in `log`, stopped (SIGTERM, waited for) by the destructor.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log)
      : pid_(spawn(argv, log)) {}
  ~ChildProcess() { stop(pid_); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

 private:
  pid_t pid_;
};

// A private Postfix (tools/postfix-instance) in `dir` on 127.0.0.1:`port`, relaying to the
// sink on `sink_port`; stopped by the destructor.
class PostfixInstance {
 public:
  PostfixInstance(const std::string& dir, uint16_t port, uint16_t sink_port) : dir_(dir) {
    std::string out = dir_ + "/postfix-instance.out";
    std::string cmd = std::string(MVNE_POSTFIX_INSTANCE) + " start " + dir_ + " --port " +
                      std::to_string(port) + " --relayhost 127.0.0.1:" + std::to_string(sink_port) +
                      " > " + out + " 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::string why = tail(out);
      stop_instance();  // a half-started one
      fail("postfix",
           "tools/postfix-instance start failed (Postfix installed? run as root?)" + why);
    }
  }
  ~PostfixInstance() { stop_instance(); }
  PostfixInstance(const PostfixInstance&) = delete;
  PostfixInstance& operator=(const PostfixInstance&) = delete;
  std::string log() const { return dir_ + "/maillog"; }

 private:
  void stop_instance() {
    std::string cmd = std::string(MVNE_POSTFIX_INSTANCE) + " stop " + dir_ + " > " + dir_ +
                      "/postfix-stop.out 2>&1";
    if (std::system(cmd.c_str()) != 0)
      std::fprintf(stderr, "bench: postfix: stopping the instance in %s failed\n", dir_.c_str());
  }
  std::string dir_;
};

bool greets_smtp(uint16_t port) {
  try {
    SmtpConnection smtp(port);
    smtp.expect(220, "connecting");
    smtp.command("QUIT", 221);
    return true;
  } catch (const Failure&) {
    return false;
  }
}

Figures measure_postfix(const Options& o) {
  Scratch scratch("bench-postfix");  // under /tmp: the postfix user must reach it
  CountingSink sink;
  uint16_t port = free_port();
  PostfixInstance postfix(scratch.path(), port, sink.port());
  Submission s = submit_all(o, port, "postfix");
  wait_for_sink(sink, {kSender}, o.messages, "postfix", postfix.log());
  Arrivals a = sink.from(kSender);
  return {o.messages, s.accepted_s, since(s.start, a.last), a.count, sink.connections()};
}

// The tenant "bench" with the relay mailbox kSender, held 0 s and then sent.
void seed(std::shared_ptr<mvne::storage::Database> db) {
  auto services = mvne::platform::Services::on(std::move(db), mvne::config::NumberingConfig{});
  auto& dir = *services->directory;
  auto tenant = dir.add_tenant({0, "bench", "Bench", "Asia/Tokyo", "/tmp", {}});
  if (!tenant.ok()) fail("tenant", tenant.status().message());
  auto hash = services->consumers->passwords().hash("bench relay password");
  if (!hash.ok()) fail("password hash", hash.status().message());
  auto& relay = *services->relay;
  if (auto st = relay.mailboxes().add(kSender, *tenant, *hash, mvne::now_us()); !st.ok())
    fail("mailbox", st.message());
  if (auto st = relay.mailboxes().set_policy(*tenant, {0, "send"}); !st.ok())
    fail("policy", st.message());
}

std::string host_config(uint16_t http_port, uint16_t filter_port, uint16_t sink_port,
                        const Options& o, const std::string& storage_lines) {
  return "[host]\nshutdown_timeout_ms = 5000\n[log]\nlevel = warn\n[http]\nlisten = 127.0.0.1:" +
         std::to_string(http_port) + "\n" + storage_lines +
         "[audit]\nkey_file = audit.key\n[billing]\nauto_close = false\n"
         "[mail]\nrelay = 127.0.0.1:" +
         std::to_string(sink_port) + "\nstarttls = off\nfrom = " + kNoticeSender +
         "\n[relay]\nfilter_listen = 127.0.0.1:" + std::to_string(filter_port) +
         "\nhostname = relay.bench\nmax_connections = " +
         std::to_string(std::max(100, o.connections + 10)) + "\n";
}

Figures measure_relay(const Options& o, const std::string& backend,
                      std::shared_ptr<mvne::storage::Database> db,
                      const std::string& storage_lines) {
  Scratch scratch("bench-mail-relay-" + backend);
  seed(std::move(db));
  CountingSink sink;
  uint16_t http_port = free_port(), filter_port = free_port();
  std::string config = scratch.path() + "/mvne.conf";
  write_file(config, host_config(http_port, filter_port, sink.port(), o, storage_lines));
  std::string log = scratch.path() + "/host.log";
  ChildProcess host({MVNE_HOST_BINARY, "--config", config}, log);
  wait_ready(
      "mvne-host", 30, [&] { return get(http_port, "/healthz").first == 200; }, log);
  wait_ready(
      "the relay's filter listener", 10, [&] { return greets_smtp(filter_port); }, log);
  Submission s = submit_all(o, filter_port, "relay-" + backend);
  wait_for_sink(sink, {kSender, kNoticeSender}, o.messages, "relay (" + backend + ")", log);
  Arrivals messages = sink.from(kSender), notices = sink.from(kNoticeSender);
  return {o.messages,         s.accepted_s,  since(s.start, messages.last), messages.count,
          sink.connections(), notices.count, since(s.start, notices.last)};
}

// ---------------------------------------------------------------------------------------------
// The report.

double rate(int messages, double seconds) { return seconds > 0 ? messages / seconds : 0; }

void print_header() {
  std::printf("  %-20s %9s %11s %11s %12s %12s %11s\n", "", "messages", "accepted s", "accepted/s",
              "delivered s", "delivered/s", "sink conns");
}

void print_row(const std::string& what, const Figures& f) {
  std::printf("  %-20s %9lld %11.2f %11.0f %12.2f %12.0f %11lld\n", what.c_str(),
              static_cast<long long>(f.delivered), f.accepted_s, rate(f.messages, f.accepted_s),
              f.delivered_s, rate(f.messages, f.delivered_s),
              static_cast<long long>(f.sink_connections));
}

void print_notices(const Figures& f) {
  std::printf("  %-20s %9lld %11s %11s %12.2f %12.0f\n", "  its notices",
              static_cast<long long>(f.notices), "", "", f.notices_s,
              rate(static_cast<int>(f.notices), f.notices_s));
}

void report(const Options& o, const Figures& postfix,
            const std::vector<std::pair<std::string, Figures>>& relays) {
  std::printf(
      "mail: %d messages (%zu bytes, 3 recipients: 2 To, 1 Bcc only) over %d connections, "
      "%u cores; seconds from the first submission\n",
      o.messages, message_text("relay-sqlite", 0, 0, shared_body()).size(), o.connections,
      std::thread::hardware_concurrency());
  print_header();
  print_row("postfix (reference)", postfix);
  for (const auto& [backend, f] : relays) {
    print_row("relay " + backend, f);
    print_notices(f);
  }
  for (const auto& [backend, f] : relays) {
    double ratio = rate(f.messages, f.delivered_s) / rate(postfix.messages, postfix.delivered_s);
    std::string which = relays.size() > 1 ? " (" + backend + ")" : "";
    std::printf("ratio relay/postfix%s: %.2f\n", which.c_str(), ratio);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  BenchArgs args = parse_args(argc, argv);
  o.mysql_url = args.mysql_url;
  if (!args.numbers.empty()) o.messages = std::atoi(args.numbers[0].c_str());
  if (args.numbers.size() > 1) o.connections = std::atoi(args.numbers[1].c_str());
  if (args.numbers.size() > 2 || o.messages < 1 || o.connections < 1 || o.connections > o.messages)
    die("usage", "mail [messages] [connections, at most messages] [mysql://...]");
  try {
    Figures postfix = measure_postfix(o);
    std::vector<std::pair<std::string, Figures>> relays;
    on_each_backend("bench-mail", o.mysql_url,
                    [&](const std::string& backend, auto db, const std::string& storage_lines) {
                      relays.emplace_back(backend, measure_relay(o, backend, db, storage_lines));
                    });
    report(o, postfix, relays);
  } catch (const Failure& f) {
    std::fprintf(stderr, "bench: mail: %s\n", f.what());
    return 1;
  }
  return 0;
}
