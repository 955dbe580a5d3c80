#include "core/ingest/datagram_hub.h"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <condition_variable>
#include <future>
#include <vector>

#include "core/common/time.h"
#include "core/http/request_id.h"
#include "core/ingest/write_batcher.h"
#include "core/log/log.h"
#include "core/log/log_sampler.h"
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

constexpr int kReceiveBuffer = 4 << 20;

struct DatagramHub::Impl {
  explicit Impl(int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) pool.emplace_back([this] { io.run(); });
  }
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  WriteBatcher batcher;  // destroyed before `io`: its completions use the sockets
  std::vector<std::thread> pool;
};

class DatagramHub::Listener : public std::enable_shared_from_this<DatagramHub::Listener> {
 public:
  Listener(asio::io_context& io, WriteBatcher* batcher, plugin::PluginInstance* plugin,
           std::string name, mvne_datagram_handler handler, void* data)
      : socket_(io),
        batcher_(batcher),
        plugin_(plugin),
        name_(std::move(name)),
        handler_(handler),
        data_(data) {}

  udp::socket& socket() { return socket_; }

  // Receives the next datagram; the one received is handled while the next is awaited.
  void receive() {
    auto self = shared_from_this();
    std::lock_guard lock(socket_mu_);
    if (!socket_.is_open()) return;
    socket_.async_receive_from(
        asio::buffer(buffer_), peer_, [self](const boost::system::error_code& ec, size_t n) {
          if (ec == asio::error::operation_aborted) return;
          std::string payload = ec ? std::string() : std::string(self->buffer_.data(), n);
          udp::endpoint from = self->peer_;
          self->receive();
          if (!ec) self->deliver(payload, from);
        });
  }

  // Closes the socket and waits until no handler of this listener runs.
  void close() {
    {
      std::lock_guard lock(socket_mu_);
      boost::system::error_code ec;
      socket_.close(ec);
    }
    std::unique_lock lock(busy_mu_);
    closed_ = true;
    idle_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  // Runs on a hub thread: the plugin's handler, then the replies it made.
  void deliver(const std::string& payload, const udp::endpoint& from) {
    {
      std::lock_guard lock(busy_mu_);
      if (closed_) return;
      ++busy_;
    }
    deliver_now(payload, from);
    done();
  }

  void done() {
    std::lock_guard lock(busy_mu_);
    --busy_;
    idle_.notify_all();
  }

  void send_replies(const std::vector<std::string>& replies, const udp::endpoint& to,
                    const std::string& request_id) {
    for (const std::string& reply : replies) {
      boost::system::error_code ec;
      std::lock_guard lock(socket_mu_);
      socket_.send_to(asio::buffer(reply), to, 0, ec);
      if (ec) {
        log::write(log::Level::kWarn, "plugin:" + plugin_->name(), request_id,
                   "reply to " + to.address().to_string() + " failed: " + ec.message());
      }
    }
  }

  // A refused datagram is counted always, logged as a sample: a flood of them (an unknown
  // client retransmitting) must not flood the log.
  void log_drop(const std::string& reason, const plugin::CallScope& scope) {
    auto unlogged = drop_log_.admit(reason, now_us());
    if (!unlogged) return;
    std::string note = *unlogged == 0
                           ? ""
                           : " (" + std::to_string(*unlogged) + " more dropped for " + reason +
                                 " since the last such line, not logged; all are counted in "
                                 "mvne_datagrams_total)";
    log::write(log::Level::kWarn, "plugin:" + plugin_->name(), scope.request_id,
               "dropped a datagram: " + scope.error + note);
  }

  void deliver_now(const std::string& payload, const udp::endpoint& from) {
    plugin::CallScope scope{plugin::Phase::kIngest, plugin_, http::next_request_id()};
    std::string peer = from.address().to_string() + ":" + std::to_string(from.port());
    scope.source = name_ + " from " + peer;
    std::vector<std::string> replies;
    scope.replies = &replies;
    plugin::DeferredWrites writes;
    scope.deferred = &writes;
    Status st = plugin_->call(scope, [&](mvne_context* ctx, void* state) {
      return handler_(state, data_, ctx, mvne_str{payload.data(), payload.size()},
                      mvne_str{peer.data(), peer.size()});
    });
    if (!st.ok()) {  // no reply: the sender retransmits
      std::string reason = drop_reason(st, scope.error);
      plugin_->metrics().count_datagram(plugin_->name(), reason);
      if (st.code() == Code::kInvalidArgument) log_drop(reason, scope);
      return;
    }
    if (writes.records.empty() && writes.kv.empty()) {
      plugin_->metrics().count_datagram(plugin_->name(), "handled");
      send_replies(replies, from, scope.request_id);
      return;
    }
    // Answered once stored, by the group commit; close() waits for it.
    {
      std::lock_guard lock(busy_mu_);
      ++busy_;
    }
    auto self = shared_from_this();
    bool queued = batcher_->add(
        plugin_, std::move(writes), scope.source,
        [self, replies = std::move(replies), from, id = scope.request_id](bool committed) {
          if (committed) self->send_replies(replies, from, id);
          self->done();
        });
    if (!queued) {  // storage is behind: shed, no answer, the sender retransmits
      plugin_->metrics().count_datagram(plugin_->name(), "overloaded");
      done();
      return;
    }
    plugin_->metrics().count_datagram(plugin_->name(), "handled");
  }

  std::mutex socket_mu_;  // the socket object is shared by the hub's threads
  udp::socket socket_;
  WriteBatcher* batcher_;
  plugin::PluginInstance* plugin_;
  std::string name_;
  mvne_datagram_handler handler_;
  void* data_;
  std::array<char, 65536> buffer_{};  // only touched by the one pending receive
  udp::endpoint peer_;
  log::LogSampler drop_log_{10 * 1000000LL};  // a line per drop reason per 10 s at most
  std::mutex busy_mu_;
  std::condition_variable idle_;
  int busy_ = 0;         // guarded by busy_mu_
  bool closed_ = false;  // guarded by busy_mu_
};

uint16_t bound_port(const DatagramHub::Listener& listener) {
  boost::system::error_code ec;
  return const_cast<DatagramHub::Listener&>(listener).socket().local_endpoint(ec).port();
}

DatagramHub::DatagramHub(int threads) : impl_(std::make_unique<Impl>(threads)) {}

DatagramHub::~DatagramHub() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->pool) t.join();
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
  auto listener = std::make_shared<Listener>(impl_->io, &impl_->batcher, plugin, std::move(name),
                                             handler, data);
  udp::endpoint endpoint(address, static_cast<uint16_t>(port));
  listener->socket().open(endpoint.protocol(), ec);
  // Room for bursts of many gateways at once (the kernel caps it at net.core.rmem_max); a
  // full buffer drops datagrams, which then cost the sender a retransmission time-out.
  if (!ec) {
    boost::system::error_code ignored;
    listener->socket().set_option(asio::socket_base::receive_buffer_size(kReceiveBuffer), ignored);
    listener->socket().bind(endpoint, ec);
  }
  if (ec) return Status::Unavailable("cannot listen on " + address_port + ": " + ec.message());
  asio::post(impl_->io, [listener] { listener->receive(); });
  return listener;
}

void DatagramHub::close(const std::shared_ptr<Listener>& listener) {
  if (listener) listener->close();
}

}  // namespace mvne::ingest
