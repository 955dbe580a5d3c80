#include "core/http/connection_shedder.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "core/http/reply.h"

namespace mvne::http {
namespace {

constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kMaxLingering = 4096;

const std::string& shed_response() {
  static const std::string text = [] {
    Reply reply = Reply::error(503, "unavailable", "the host is over capacity; retry later", "");
    std::string out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + reply.content_type +
                      "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                      "\r\nConnection: close\r\n";
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    return out + "\r\n" + reply.body;
  }();
  return text;
}

}  // namespace

ConnectionShedder::ConnectionShedder() : thread_([this] { run(); }) {}

ConnectionShedder::~ConnectionShedder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionShedder::shed(Poco::Net::StreamSocket socket) {
  shed_total_.fetch_add(1);
  const std::string& text = shed_response();
  try {
    // A fresh socket's send buffer is empty: the short answer goes out whole at once.
    socket.setBlocking(false);
    (void)::send(socket.impl()->sockfd(), text.data(), text.size(), MSG_NOSIGNAL);
    socket.shutdownSend();
  } catch (const Poco::Exception&) {
    return;  // the client is already gone
  }
  std::optional<Lingering> evicted;
  {
    std::lock_guard lock(mu_);
    if (lingering_.size() >= kMaxLingering) {
      evicted = std::move(lingering_.front());
      lingering_.pop_front();
    }
    lingering_.push_back({std::move(socket), std::chrono::steady_clock::now() + kLingerTime});
  }
  wake_.notify_one();
}

void ConnectionShedder::run() {
  std::vector<pollfd> fds;
  std::vector<Poco::Net::SocketImpl*> polled;  // the socket behind each entry of fds
  std::vector<Lingering> done;
  char scratch[4096];
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (lingering_.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !lingering_.empty(); });
      continue;
    }
    fds.clear();
    polled.clear();
    for (const auto& l : lingering_) {
      fds.push_back({l.socket.impl()->sockfd(), POLLIN, 0});
      polled.push_back(l.socket.impl());
    }
    lock.unlock();
    ::poll(fds.data(), fds.size(), 100);
    std::vector<Poco::Net::SocketImpl*> closed;  // by the client, or failed
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t n;
      do {
        n = ::recv(fds[i].fd, scratch, sizeof scratch, MSG_DONTWAIT);
      } while (n > 0);
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed.push_back(polled[i]);
    }
    lock.lock();
    auto now = std::chrono::steady_clock::now();
    for (auto it = lingering_.begin(); it != lingering_.end();) {
      bool finished = now >= it->deadline;
      for (auto* impl : closed) finished = finished || impl == it->socket.impl();
      if (finished) {
        done.push_back(std::move(*it));
        it = lingering_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    done.clear();  // closes them, outside the lock
    lock.lock();
  }
  lingering_.clear();
}

}  // namespace mvne::http
