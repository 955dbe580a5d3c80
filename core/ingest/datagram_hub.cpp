#include "core/ingest/datagram_hub.h"

#include <array>
#include <boost/asio.hpp>
#include <future>
#include <vector>

#include "core/http/request_id.h"
#include "core/log/log.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::ingest {

namespace asio = boost::asio;
using asio::ip::udp;

// The outcome label of a datagram the handler refused: the reason it gave for a deliberate
// drop ("malformed: ..." -> "malformed"), else "handler_error".
std::string drop_reason(const Status& st, const std::string& error) {
  if (st.code() != Code::kInvalidArgument) return "handler_error";
  std::string reason = error.substr(0, error.find(':'));
  bool plain =
      !reason.empty() && reason.size() <= 32 &&
      reason.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  return plain ? reason : "dropped";
}

struct DatagramHub::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
};

class DatagramHub::Listener : public std::enable_shared_from_this<DatagramHub::Listener> {
 public:
  Listener(asio::io_context& io, plugin::PluginInstance* plugin, std::string name,
           mvne_datagram_handler handler, void* data)
      : socket_(io), plugin_(plugin), name_(std::move(name)), handler_(handler), data_(data) {}

  udp::socket& socket() { return socket_; }

  void receive() {
    auto self = shared_from_this();
    socket_.async_receive_from(asio::buffer(buffer_), peer_,
                               [self](const boost::system::error_code& ec, size_t n) {
                                 if (ec == asio::error::operation_aborted) return;
                                 if (!ec) self->deliver(n);
                                 if (self->socket_.is_open()) self->receive();
                               });
  }

 private:
  // Runs on the hub's thread: the plugin's handler, then the replies it made.
  void deliver(size_t n) {
    plugin::CallScope scope{plugin::Phase::kIngest, plugin_, http::next_request_id()};
    std::string peer = peer_.address().to_string() + ":" + std::to_string(peer_.port());
    scope.source = name_ + " from " + peer;
    std::vector<std::string> replies;
    scope.replies = &replies;
    std::string payload(buffer_.data(), n);
    Status st = plugin_->call(scope, [&](mvne_context* ctx, void* state) {
      return handler_(state, data_, ctx, mvne_str{payload.data(), payload.size()},
                      mvne_str{peer.data(), peer.size()});
    });
    if (!st.ok()) {  // no reply: the sender retransmits
      plugin_->metrics().count_datagram(plugin_->name(), drop_reason(st, scope.error));
      return;
    }
    plugin_->metrics().count_datagram(plugin_->name(), "handled");
    for (const std::string& reply : replies) {
      boost::system::error_code ec;
      socket_.send_to(asio::buffer(reply), peer_, 0, ec);
      if (ec) {
        log::write(log::Level::kWarn, "plugin:" + plugin_->name(), scope.request_id,
                   "reply to " + peer + " failed: " + ec.message());
      }
    }
  }

  udp::socket socket_;
  plugin::PluginInstance* plugin_;
  std::string name_;
  mvne_datagram_handler handler_;
  void* data_;
  std::array<char, 65536> buffer_{};
  udp::endpoint peer_;
};

uint16_t bound_port(const DatagramHub::Listener& listener) {
  boost::system::error_code ec;
  return const_cast<DatagramHub::Listener&>(listener).socket().local_endpoint(ec).port();
}

DatagramHub::DatagramHub() : impl_(std::make_unique<Impl>()) {}

DatagramHub::~DatagramHub() {
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

StatusOr<std::shared_ptr<DatagramHub::Listener>> DatagramHub::listen(
    const std::string& address_port, plugin::PluginInstance* plugin, std::string name,
    mvne_datagram_handler handler, void* data) {
  size_t colon = address_port.rfind(':');
  boost::system::error_code ec;
  asio::ip::address address =
      asio::ip::make_address(address_port.substr(0, colon == std::string::npos ? 0 : colon), ec);
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(address_port.substr(colon + 1));
    } catch (...) {
      port = -1;
    }
  }
  if (ec || port < 0 || port > 65535) {
    return Status::Invalid("expected address:port, got '" + address_port + "'");
  }
  auto listener = std::make_shared<Listener>(impl_->io, plugin, std::move(name), handler, data);
  udp::endpoint endpoint(address, static_cast<uint16_t>(port));
  listener->socket().open(endpoint.protocol(), ec);
  if (!ec) listener->socket().bind(endpoint, ec);
  if (ec) return Status::Unavailable("cannot listen on " + address_port + ": " + ec.message());
  asio::post(impl_->io, [listener] { listener->receive(); });
  return listener;
}

void DatagramHub::close(const std::shared_ptr<Listener>& listener) {
  if (!listener) return;
  std::promise<void> closed;
  asio::post(impl_->io, [&] {
    boost::system::error_code ec;
    listener->socket().close(ec);
    closed.set_value();
  });
  closed.get_future().wait();
}

}  // namespace mvne::ingest
