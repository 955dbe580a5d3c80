// The storage interface the host's repositories use, with two backends: SQLite (embedded
// default, WAL) and MySQL/MariaDB (Connector/C++). SQL is written once, with `?`
// placeholders (values are always bound) and {type} markers that each dialect expands.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/storage/value.h"

namespace mvne::storage {

enum class Dialect { kSqlite, kMysql };

// One connection. Not thread-safe: a connection is used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  Status execute(std::string_view sql, const Params& params = {});
  StatusOr<std::vector<Row>> query(std::string_view sql, const Params& params = {});
  // Executes an INSERT and returns the generated id.
  StatusOr<int64_t> insert(std::string_view sql, const Params& params = {});
  // Rows changed by the last execute().
  virtual int64_t changes() = 0;
  virtual Dialect dialect() const = 0;
  // True once an error or time-out left the connection in an unknown state; the pool
  // discards it instead of handing it to the next request (invariant 6).
  virtual bool broken() const = 0;
  // True once the server went away under it (stopped, restarted, or it killed the
  // connection): the pool then closes its idle connections too, all opened before.
  virtual bool lost() const { return false; }

 protected:
  // Runs portable SQL (expanded for the dialect) with bound `params`; collects the result
  // rows into `rows` when it is not null.
  virtual Status run(std::string_view sql, const Params& params, std::vector<Row>* rows) = 0;
  virtual StatusOr<int64_t> last_insert_id() = 0;
};

// Expands the {markers} of portable SQL for `dialect`: {id} {key} {text} {i64} {f64}
// {table_options} {insert_ignore} {for_update}.
std::string expand_sql(std::string_view sql, Dialect dialect);

class Database;

// A connection borrowed from the pool; goes back when destroyed (or is dropped if broken).
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> connection);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  Database* db_;
  std::unique_ptr<Connection> connection_;
};

struct StorageSettings {
  std::string backend = "sqlite";  // sqlite or mysql
  std::string path;                // sqlite file
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database = "mvne";
  std::string user = "mvne";
  std::string password;           // read from the password file, never logged
  int pool_size = 8;              // idle connections kept for reuse
  int max_connections = 32;       // open at once, in use or idle
  int acquire_timeout_ms = 2000;  // how long acquire() waits when all are in use
};

// Parses mysql://user:password@host:port/database (used by tests and tools).
StatusOr<StorageSettings> settings_from_url(const std::string& url);

// From the [storage] section; reads the password file.
StatusOr<StorageSettings> settings_from_config(const config::StorageConfig& config);

class Database {
 public:
  // Opens the backend and applies pending migrations; refuses a newer schema.
  static StatusOr<std::shared_ptr<Database>> open(const StorageSettings& settings);
  virtual ~Database() = default;

  // A connection: an idle one, or a new one while fewer than max_connections are open;
  // otherwise waits up to acquire_timeout_ms for one to come back. Fails with kUnavailable
  // when none came back in time or the backend cannot be reached (the caller sheds: 503).
  StatusOr<Lease> acquire();
  Dialect dialect() const { return dialect_; }
  // How many threads writing at once are worth running: SQLite has one writer, so one.
  int writers(int wanted) const { return dialect_ == Dialect::kSqlite ? 1 : wanted; }
  const StorageSettings& settings() const { return settings_; }
  // Connections opened so far (a discarded one is replaced by a new one).
  int64_t connections_opened() const { return opened_.load(); }
  size_t idle_connections();
  // Connections open now, in use or idle (at most max_connections).
  int open_connections();

  // Whether the database works now: opens a connection of its own (outside the pool, so a
  // SQLite file replaced or damaged under the host is seen), reads the schema version and
  // closes it. kUnavailable when it cannot connect, another code when the read fails.
  Status probe();

  // One statement on a pooled connection, for callers that need no transaction.
  StatusOr<std::vector<Row>> query(std::string_view sql, const Params& params = {});
  // The same, each row turned into a T by `convert(const Row&)`.
  template <typename T, typename Convert>
  StatusOr<std::vector<T>> select(std::string_view sql, const Params& params, Convert convert) {
    auto rows = query(sql, params);
    if (!rows.ok()) return rows.status();
    std::vector<T> out;
    out.reserve(rows->size());
    for (const Row& r : rows.value()) out.push_back(convert(r));
    return out;
  }
  Status execute(std::string_view sql, const Params& params = {});

  // Runs `body` in one transaction on one connection: committed when it returns ok,
  // rolled back otherwise.
  Status transaction(const std::function<Status(Connection&)>& body);

 protected:
  Database(StorageSettings settings, Dialect dialect);
  virtual StatusOr<std::unique_ptr<Connection>> connect() = 0;

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Connection> connection);

  const StorageSettings settings_;
  const Dialect dialect_;
  std::mutex mu_;
  std::condition_variable returned_;  // a connection came back or closed
  // Idle connections beyond pool_size are closed once unused this long.
  static constexpr std::chrono::seconds kSurplusIdle{30};
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  std::vector<Idle> idle_;  // guarded by mu_; most recently returned last
  int open_ = 0;            // guarded by mu_; in use + idle
  std::atomic<int64_t> opened_{0};
};

}  // namespace mvne::storage
