// Answers the connections the front end has no room for. POCO closes a connection it
// cannot queue (past http.max_queued waiting for one of http.max_threads) without a word;
// the shedder instead writes "503 Service Unavailable" with Retry-After and
// Connection: close at once, on the accepting thread, without reading the request (the
// answer does not depend on it). The socket then lingers on the shedder's own thread: its
// write side is shut and what the client still sends is discarded until the client closes
// or a short deadline passes, so the close never becomes a reset that loses the answer.
// Lingering sockets are bounded; past the bound the oldest is closed.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace mvne::http {

class ConnectionShedder {
 public:
  ConnectionShedder();
  ~ConnectionShedder();  // closes the lingering sockets and joins the thread
  ConnectionShedder(const ConnectionShedder&) = delete;
  ConnectionShedder& operator=(const ConnectionShedder&) = delete;

  // Answers `socket` with 503 and keeps it lingering; never blocks. Thread-safe.
  void shed(Poco::Net::StreamSocket socket);
  // Connections answered so far.
  uint64_t shed_total() const { return shed_total_.load(); }

 private:
  struct Lingering {
    Poco::Net::StreamSocket socket;
    std::chrono::steady_clock::time_point deadline;
  };
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Lingering> lingering_;  // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  std::atomic<uint64_t> shed_total_{0};
  std::thread thread_;
};

}  // namespace mvne::http
