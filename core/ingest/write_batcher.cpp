#include "core/ingest/write_batcher.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/log/log.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_instance.h"
#include "core/storage/conflicts.h"
#include "core/storage/writer_connection.h"

namespace mvne::ingest {

WriteBatcher::WriteBatcher(int committers, size_t max_queued) : queue_(max_queued) {
  for (int i = 0; i < std::max(1, committers); ++i) threads_.emplace_back([this] { run(); });
}

WriteBatcher::~WriteBatcher() {
  queue_.close();
  for (auto& t : threads_) t.join();
}

bool WriteBatcher::add(plugin::PluginInstance* plugin, plugin::DeferredWrites writes,
                       std::string source, Done done) {
  Item item{plugin, std::move(writes), std::move(source), std::move(done)};
  return queue_.push(item);
}

void WriteBatcher::run() {
  std::unique_ptr<storage::WriterConnection> writer;  // this thread's own connection
  while (true) {
    std::vector<Item> batch = queue_.take(kMaxBatch);
    if (batch.empty()) return;  // closed and drained
    platform::Services* services = batch.front().plugin->services();
    if (!writer || writer->database() != services->db)
      writer = std::make_unique<storage::WriterConnection>(services->db);
    bool committed = commit(*writer, batch);
    for (Item& item : batch) item.done(committed);
  }
}

bool WriteBatcher::commit(storage::WriterConnection& writer, std::vector<Item>& batch) {
  platform::Services* services = batch.front().plugin->services();
  // One INSERT stream per (plugin, kind, source) and one state upsert per plugin: a batch
  // costs a few statements, not a few per datagram.
  using RecordKey = std::tuple<plugin::PluginInstance*, const records::KindDef*, std::string>;
  std::map<RecordKey, std::vector<storage::Row>> records;
  std::map<plugin::PluginInstance*, std::vector<std::pair<std::string, std::string>>> kv;
  for (Item& item : batch) {
    for (auto& [kind, rows] : item.writes.records) {
      auto& all = records[{item.plugin, kind, item.source}];
      all.insert(all.end(), std::make_move_iterator(rows.begin()),
                 std::make_move_iterator(rows.end()));
    }
    auto& writes = kv[item.plugin];
    writes.insert(writes.end(), item.writes.kv.begin(), item.writes.kv.end());
  }
  std::map<plugin::PluginInstance*, records::IngestCounts> counts;
  // A conflict with another writer (on Galera, another node) is run again whole.
  Status st = storage::run_again_on_conflict([&] {
    counts.clear();
    std::vector<storage::KvStore::Ticket> tickets;
    Status done = writer.transaction([&](storage::Connection& c) {
      std::vector<records::RecordStore::Submission> submissions;
      for (const auto& [key, rows] : records)
        submissions.push_back({std::get<1>(key), &rows, std::get<2>(key)});
      auto n = services->records->submit_all_in(c, submissions);
      if (!n.ok()) return n.status();
      size_t i = 0;
      for (const auto& [key, rows] : records) {
        records::IngestCounts& total = counts[std::get<0>(key)];
        total.stored += n.value()[i].stored;
        total.duplicates += n.value()[i].duplicates;
        total.quarantined += n.value()[i].quarantined;
        ++i;
      }
      for (const auto& [plugin, writes] : kv) {
        auto ticket = services->kv->put_in(c, plugin->name(), 0, writes);
        if (!ticket.ok()) return ticket.status();
        tickets.push_back(std::move(ticket).value());
      }
      return Status::Ok();
    });
    for (const auto& ticket : tickets) services->kv->settle(ticket, done.ok());
    return done;
  });
  if (!st.ok()) {
    log::error("ingest", "a batch of " + std::to_string(batch.size()) +
                             " datagram(s) was not stored (no answers sent): " + st.message());
    return false;
  }
  for (const auto& [plugin, n] : counts) {
    metrics::Metrics& m = plugin->metrics();
    m.count_ingest_records(plugin->name(), "stored", n.stored);
    m.count_ingest_records(plugin->name(), "duplicate", n.duplicates);
    m.count_ingest_records(plugin->name(), "quarantined", n.quarantined);
  }
  return true;
}

}  // namespace mvne::ingest
