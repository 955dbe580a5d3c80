#include "core/relay/smtp_listener.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "core/log/log.h"

namespace mvne::relay {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ssl::context* tls, const ListenerOptions& options,
             std::unique_ptr<SessionHooks> hooks, std::atomic<int>* open)
      : stream_(std::move(socket), tls != nullptr ? *tls : placeholder()),
        timer_(stream_.get_executor()),
        hooks_(std::move(hooks)),
        session_(options.mode, options.limits, hooks_.get(), options.hostname, peer(),
                 tls != nullptr),
        idle_(options.idle_timeout_s),
        open_(open) {}
  ~Connection() { --*open_; }

  void start() { write(session_.greeting()); }
  void close() {
    boost::system::error_code ignored;
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
    timer_.cancel();
  }

 private:
  static ssl::context& placeholder() {
    static ssl::context none(ssl::context::tls_server);
    return none;
  }
  std::string peer() {
    boost::system::error_code ec;
    auto endpoint = stream_.next_layer().remote_endpoint(ec);
    return ec ? "unknown" : endpoint.address().to_string();
  }

  void arm_timer() {
    timer_.expires_after(std::chrono::seconds(idle_));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close();
    });
  }

  void read() {
    arm_timer();
    auto on_read = [self = shared_from_this()](boost::system::error_code ec, size_t n) {
      self->timer_.cancel();
      if (ec) return self->close();
      std::string out;
      self->session_.feed(std::string_view(self->buffer_.data(), n), out);
      if (out.empty() && !self->session_.closed()) return self->read();
      self->write(std::move(out));
    };
    if (tls_)
      stream_.async_read_some(asio::buffer(buffer_), on_read);
    else
      stream_.next_layer().async_read_some(asio::buffer(buffer_), on_read);
  }

  void write(std::string text) {
    out_ = std::move(text);
    auto on_written = [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec || self->session_.closed()) return self->close();
      if (self->session_.wants_tls()) return self->handshake();
      self->read();
    };
    if (tls_)
      asio::async_write(stream_, asio::buffer(out_), on_written);
    else
      asio::async_write(stream_.next_layer(), asio::buffer(out_), on_written);
  }

  void handshake() {
    arm_timer();
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](boost::system::error_code ec) {
                              self->timer_.cancel();
                              if (ec) return self->close();
                              self->tls_ = true;
                              self->session_.tls_started();
                              self->read();
                            });
  }

  ssl::stream<tcp::socket> stream_;
  asio::steady_timer timer_;
  std::unique_ptr<SessionHooks> hooks_;
  SmtpServerSession session_;
  const int idle_;
  std::atomic<int>* open_;
  bool tls_ = false;
  std::array<char, 16384> buffer_{};
  std::string out_;
};

}  // namespace

struct SmtpListener::Impl {
  // Declared before io: connections still queued in it are destroyed with it, and use both.
  ListenerOptions options;
  HooksFactory hooks;
  std::atomic<int> open{0};
  std::optional<ssl::context> tls;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;

  void accept() {
    acceptor->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (open.load() >= options.max_connections) {
          // Told, never just dropped: the client queues the mail and retries.
          static const std::string busy = "421 4.3.2 Too many connections, try again later\r\n";
          boost::system::error_code ignored;
          asio::write(socket, asio::buffer(busy), ignored);
          socket.close(ignored);
        } else {
          ++open;
          std::make_shared<Connection>(std::move(socket), tls ? &*tls : nullptr, options, hooks(),
                                       &open)
              ->start();
        }
      }
      accept();
    });
  }
};

SmtpListener::SmtpListener(ListenerOptions options, HooksFactory hooks)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->hooks = std::move(hooks);
}

SmtpListener::~SmtpListener() { stop(); }

Status SmtpListener::start() {
  Impl& s = *impl_;
  const std::string& listen = s.options.listen;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::Invalid("relay: '" + listen + "' is not host:port");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec) return Status::Invalid("relay: '" + listen.substr(0, colon) + "' is not an IP address");
  if (s.options.mode == SessionMode::kFilter && !address.is_loopback())
    return Status::Invalid("relay: the filter listener has no AUTH, so it must be on a loopback "
                           "address, not " + listen);
  if (!s.options.tls_cert.empty() || !s.options.tls_key.empty()) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain_file(s.options.tls_cert, ec);
    if (ec) return Status::Invalid("relay: tls_cert " + s.options.tls_cert + ": " + ec.message());
    s.tls->use_private_key_file(s.options.tls_key, ssl::context::pem, ec);
    if (ec) return Status::Invalid("relay: tls_key " + s.options.tls_key + ": " + ec.message());
  }
  tcp::endpoint endpoint(address, static_cast<uint16_t>(std::stoi(listen.substr(colon + 1))));
  s.acceptor.emplace(s.io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("relay: cannot listen on " + listen + ": " + ec.message());
  s.port = s.acceptor->local_endpoint().port();
  s.accept();
  for (int i = 0; i < s.options.threads; ++i) s.threads.emplace_back([&s] { s.io.run(); });
  log::info("relay", std::string(s.options.mode == SessionMode::kFilter ? "content filter"
                                                                        : "submission") +
                         " listener on " + listen.substr(0, colon) + ":" + std::to_string(s.port) +
                         (s.tls ? " (STARTTLS)" : ""));
  return Status::Ok();
}

uint16_t SmtpListener::port() const { return impl_->port; }

void SmtpListener::stop() {
  Impl& s = *impl_;
  if (s.threads.empty()) return;
  s.io.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  boost::system::error_code ignored;
  if (s.acceptor) s.acceptor->close(ignored);
}

}  // namespace mvne::relay
