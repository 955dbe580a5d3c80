// Group commit for datagram handlers: the records and key-value writes of many callbacks
// are stored in one transaction, and only then is each callback's completion run (its
// replies sent). A gateway that waits for its answer therefore never sees one for data that
// is not stored, and the cost of a commit is shared by everything that arrived meanwhile.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/plugin/call_scope.h"
#include "core/storage/writer_connection.h"

namespace mvne::ingest {

class WriteBatcher {
 public:
  // Runs after the batch holding the writes committed (true) or failed (false).
  using Done = std::function<void(bool committed)>;

  // `committers` batches are stored at once (their transactions overlap on MariaDB).
  explicit WriteBatcher(int committers = 2);
  ~WriteBatcher();  // commits what is queued, then stops
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  void add(plugin::PluginInstance* plugin, plugin::DeferredWrites writes, std::string source,
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
  std::mutex mu_;
  std::condition_variable ready_;
  std::vector<Item> queue_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace mvne::ingest
