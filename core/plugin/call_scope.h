// What a context handle stands for during one callback: the phase, the plugin, the
// request id and the per-call state the host functions read and write. A CallScope lives
// on the stack of the host thread making the call and dies with it (invariant 6).
#pragma once

#include <mvne/plugin.h>

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/auth/principal.h"
#include "core/records/record_kind.h"
#include "core/records/record_store.h"

namespace mvne::plugin {

class PluginInstance;

enum class Phase { kStart, kStop, kRequest, kJob, kIngest, kExport };

const char* phase_name(Phase phase);

struct RouteRegistration {
  std::string method;
  std::string prefix;
  int32_t access = MVNE_ROUTE_PUBLIC;
  mvne_route_handler handler = nullptr;
  void* route_data = nullptr;
};

struct JobRegistration {
  std::string name;
  std::string schedule;
  mvne_job_handler handler = nullptr;
  void* job_data = nullptr;
};

struct SpoolRegistration {
  std::string name;
  std::string dir;      // from the plugin's config key
  std::string pattern;  // file name glob
  mvne_spool_handler handler = nullptr;
  void* spool_data = nullptr;
};

struct DatagramRegistration {
  std::string name;
  std::string address;             // from the plugin's config key
  std::shared_ptr<void> listener;  // the host's socket (ingest::DatagramHub::Listener)
};

struct ExportRegistration {
  std::string name;
  std::string kind;       // the record kind it reads
  std::string extension;  // "csv"
  std::string schedule;   // "daily HH:MM" from the plugin's config; empty: on demand only
  mvne_export_handler handler = nullptr;
  void* export_data = nullptr;
};

struct Registrations {
  std::vector<RouteRegistration> routes;
  std::vector<JobRegistration> jobs;
  std::vector<SpoolRegistration> spools;
  std::vector<DatagramRegistration> datagrams;
  std::vector<records::KindDef> kinds;
  std::vector<ExportRegistration> exports;
};

// An open cursor over rows read in this call; the plugin holds its id, which no other
// cursor of the call ever has. Closing it frees it.
struct Cursor {
  records::QueryResult result;
  size_t next = 0;
  std::vector<mvne_value> current;  // the row last handed out, pointing into `result`
  size_t bytes = 0;                 // what it counts towards CallScope::bytes_held
};

// What one callback may hold at once ([plugins] max_open_cursors, max_callback_bytes,
// kv_max_keys in the configuration).
struct CallLimits {
  size_t max_open_cursors = 16;
  size_t max_bytes = size_t{64} << 20;  // rows of open cursors plus strings handed out
  size_t kv_max_keys = 100000;          // keys per (plugin, tenant) store
};

// One HTTP exchange as a route handler sees it.
struct HttpExchange {
  std::multimap<std::string, std::string> headers;       // lower-case names
  std::multimap<std::string, std::string> query_params;  // decoded
  bool principal_scoped = false;

  int status = 200;
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::string body;
};

// Writes of a datagram callback held back for a group commit: stored, with those of other
// callbacks, in one transaction after the handler returned, before its replies are sent.
struct DeferredWrites {
  std::vector<std::pair<const records::KindDef*, std::vector<storage::Row>>> records;
  std::vector<std::pair<std::string, std::string>> kv;  // (key, value) of the plugin's own row
};

// kExport only: where export_write sends the bytes the egress guard let through.
class ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual Status write(std::string_view bytes, uint64_t rows) = 0;
};

struct CallScope {
  CallScope(Phase phase_in, PluginInstance* plugin_in, std::string request_id_in = {})
      : phase(phase_in), plugin(plugin_in), request_id(std::move(request_id_in)) {}

  Phase phase;
  PluginInstance* plugin;
  std::string request_id;
  auth::Principal principal;               // who the call is for; none for public routes
  std::string error;                       // last set_error message
  std::string host_refusal;                // why the host last refused a call, if it did
  HttpExchange* http = nullptr;            // kRequest only
  Registrations* registrations = nullptr;  // kStart only
  std::deque<std::string> returned;        // strings handed to the plugin for this call
  size_t bytes_held = 0;                   // of open cursors and `returned`

  // Read path (kRequest, kExport): what was read, for the egress guard and the audit log.
  std::map<uint64_t, Cursor> cursors;  // open ones, by id
  uint64_t last_cursor_id = 0;
  int64_t rows_read = 0;
  std::string record_kind_read;
  std::set<std::string> read_values;  // text values of rows read: allowed in the output
  std::string blocked;                // why the output must not leave, when it must not

  // Write path (kIngest): where the records come from and what became of them.
  std::string source;
  std::vector<std::string>* replies = nullptr;  // datagram handlers: answers to the sender
  DeferredWrites* deferred = nullptr;           // datagram handlers: writes held back
  records::IngestCounts ingested;

  ExportSink* export_sink = nullptr;  // kExport only

  // A host service failed for want of capacity (pool exhausted, database busy): the request
  // is shed with 503 rather than the plugin blamed.
  bool host_busy = false;
};

}  // namespace mvne::plugin
