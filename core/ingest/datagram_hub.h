// Host-owned UDP sockets for plugins' datagram listeners (Boost.Asio). A socket is bound
// when the plugin registers its listener, so a port in use fails the plugin's start with
// the reason. Each datagram is handed to the plugin under an ingest context; the replies the
// plugin makes are sent after its handler returned (after what it stored is stored).
// `threads` handlers run at once, so that storage round trips of one datagram overlap
// with the next; a sender that waits for each answer (a RADIUS gateway per session) keeps
// its own order.
#pragma once

#include <mvne/plugin.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/status.h"

namespace mvne::plugin {
class PluginInstance;
}

namespace mvne::ingest {

class DatagramHub {
 public:
  explicit DatagramHub(int threads = 8);
  ~DatagramHub();
  DatagramHub(const DatagramHub&) = delete;
  DatagramHub& operator=(const DatagramHub&) = delete;

  class Listener;

  // Binds `address_port` ("127.0.0.1:1813") and starts receiving for `plugin`.
  StatusOr<std::shared_ptr<Listener>> listen(const std::string& address_port,
                                             plugin::PluginInstance* plugin, std::string name,
                                             mvne_datagram_handler handler, void* data);
  // Stops receiving; returns once no handler of this listener runs any more.
  void close(const std::shared_ptr<Listener>& listener);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The port a listener is bound to (useful with port 0).
uint16_t bound_port(const DatagramHub::Listener& listener);

}  // namespace mvne::ingest
