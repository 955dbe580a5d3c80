// Group commit for datagram handlers: the records and key-value writes of many callbacks
// are stored in one transaction, and only then is each callback's completion run (its
// replies sent). A gateway that waits for its answer therefore never sees one for data that
// is not stored, and the cost of a commit is shared by everything that arrived meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/ingest/bounded_queue.h"
#include "core/plugin/call_scope.h"
#include "core/storage/writer_connection.h"

namespace mvne::ingest {

class WriteBatcher {
 public:
  // Runs after the batch holding the writes committed (true) or failed (false).
  using Done = std::function<void(bool committed)>;

  // Callbacks waiting for a commit, at most; past it add() sheds (see there).
  static constexpr size_t kDefaultMaxQueued = 20000;

  // `committers` batches are stored at once (their transactions overlap on MariaDB).
  explicit WriteBatcher(int committers = 2, size_t max_queued = kDefaultMaxQueued);
  ~WriteBatcher();  // commits what is queued, then stops
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Queues the writes of one callback. False when `max_queued` callbacks are already waiting
  // (storage is slower than the traffic): nothing is stored, `done` is never called, and
  // the caller sends no answer, so the sender retransmits later.
  bool add(plugin::PluginInstance* plugin, plugin::DeferredWrites writes, std::string source,
           Done done);

 private:
  struct Item {
    plugin::PluginInstance* plugin;
    plugin::DeferredWrites writes;
    std::string source;
    Done done;
  };
  void run();
  static bool commit(storage::WriterConnection& writer, std::vector<Item>& batch);
  static constexpr size_t kMaxBatch = 512;
  BoundedQueue<Item> queue_;
  std::vector<std::thread> threads_;
};

}  // namespace mvne::ingest
