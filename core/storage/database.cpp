#include "core/storage/database.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <regex>

#include "core/storage/migrations.h"
#include "core/storage/mysql_connection.h"
#include "core/storage/sqlite_connection.h"

namespace mvne::storage {

std::string expand_sql(std::string_view sql, Dialect dialect) {
  static const std::pair<const char*, std::pair<const char*, const char*>> kMarkers[] = {
      {"{id}", {"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT PRIMARY KEY AUTO_INCREMENT"}},
      {"{key}", {"TEXT", "VARCHAR(190)"}},
      {"{text}", {"TEXT", "MEDIUMTEXT"}},
      {"{i64}", {"INTEGER", "BIGINT"}},
      {"{f64}", {"REAL", "DOUBLE"}},
      {"{table_options}", {"", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"}},
      {"{insert_ignore}", {"INSERT OR IGNORE", "INSERT IGNORE"}},
      {"{for_update}", {"", " FOR UPDATE"}},
  };
  std::string out(sql);
  for (const auto& [marker, forms] : kMarkers) {
    const char* form = dialect == Dialect::kSqlite ? forms.first : forms.second;
    for (size_t pos = out.find(marker); pos != std::string::npos; pos = out.find(marker, pos)) {
      out.replace(pos, std::strlen(marker), form);
      pos += std::strlen(form);
    }
  }
  return out;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; false on a malformed one. Never echoes the text (it may be a password).
bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

}  // namespace

StatusOr<StorageSettings> settings_from_url(const std::string& url) {
  static const std::regex kHostPart(R"(([^:/@]+):([0-9]{1,5})/([A-Za-z0-9_]+))");
  const std::string shape =
      "expected mysql://user:password@host:port/database (user and password percent-encoded, "
      "port 1 to 65535)";
  const std::string scheme = "mysql://";
  if (url.rfind(scheme, 0) != 0) return Status::Invalid(shape);
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return Status::Invalid(shape);
  std::string_view userinfo = rest.substr(0, at);
  std::string host_part(rest.substr(at + 1));
  size_t colon = userinfo.find(':');
  std::smatch m;
  if (colon == std::string_view::npos || colon == 0 || !std::regex_match(host_part, m, kHostPart)) {
    return Status::Invalid(shape);
  }
  StorageSettings s;
  s.backend = "mysql";
  if (!percent_decode(userinfo.substr(0, colon), s.user) ||
      !percent_decode(userinfo.substr(colon + 1), s.password)) {
    return Status::Invalid("malformed %-escape in the user or password of the mysql:// URL");
  }
  s.host = m[1];
  s.port = std::stoi(m[2]);  // at most five digits: no overflow
  if (s.port < 1 || s.port > 65535) return Status::Invalid(shape);
  s.database = m[3];
  return s;
}

StatusOr<StorageSettings> settings_from_config(const config::StorageConfig& config) {
  StorageSettings s;
  s.backend = config.backend;
  s.path = config.path;
  s.host = config.host;
  s.port = config.port;
  s.database = config.database;
  s.user = config.user;
  s.pool_size = config.pool_size;
  s.max_connections = config.max_connections;
  s.acquire_timeout_ms = config.acquire_timeout_ms;
  if (config.backend == "mysql" && !config.password_file.empty()) {
    std::ifstream in(config.password_file);
    if (!in) {
      return Status::Invalid("storage.password_file: cannot read " + config.password_file);
    }
    std::getline(in, s.password);
  }
  return s;
}

Status Connection::execute(std::string_view sql, const Params& params) {
  return run(sql, params, nullptr);
}

StatusOr<std::vector<Row>> Connection::query(std::string_view sql, const Params& params) {
  std::vector<Row> rows;
  Status st = run(sql, params, &rows);
  if (!st.ok()) return st;
  return rows;
}

StatusOr<int64_t> Connection::insert(std::string_view sql, const Params& params) {
  Status st = run(sql, params, nullptr);
  if (!st.ok()) return st;
  return last_insert_id();
}

StatusOr<std::vector<Row>> Database::query(std::string_view sql, const Params& params) {
  {
    auto lease = acquire();
    if (!lease.ok()) return lease.status();
    auto rows = (*lease)->query(sql, params);
    if (rows.ok() || !(*lease)->lost()) return rows;
  }  // given back, and the idle connections with it
  // The pooled connection had died with the server (restarted since): a read is asked
  // again, once, on a new one.
  auto lease = acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->query(sql, params);
}

Status Database::execute(std::string_view sql, const Params& params) {
  auto lease = acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->execute(sql, params);
}

Lease::Lease(Database* db, std::unique_ptr<Connection> connection)
    : db_(db), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept : db_(other.db_), connection_(std::move(other.connection_)) {}

Lease::~Lease() {
  if (connection_) db_->give_back(std::move(connection_));
}

Database::Database(StorageSettings settings, Dialect dialect)
    : settings_(std::move(settings)), dialect_(dialect) {}

StatusOr<Lease> Database::acquire() {
  std::unique_lock lock(mu_);
  auto waited_since = std::chrono::steady_clock::now();
  auto deadline = waited_since + std::chrono::milliseconds(settings_.acquire_timeout_ms);
  while (idle_.empty() && open_ >= settings_.max_connections) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.max_connections) {
      return Status::Unavailable("storage: all " + std::to_string(settings_.max_connections) +
                                 " connections (storage.max_connections) stayed in use for " +
                                 std::to_string(settings_.acquire_timeout_ms) + " ms");
    }
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back().connection);
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;  // reserved before connecting, so concurrent callers never exceed the bound
  lock.unlock();
  auto connection = connect();
  if (!connection.ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return connection.status();
  }
  opened_.fetch_add(1);
  return Lease(this, std::move(connection).value());
}

Status Database::probe() {
  auto connection = connect();
  if (!connection.ok()) return connection.status();
  auto rows = connection.value()->query("SELECT MAX(version) FROM schema_version");
  return rows.ok() ? Status::Ok() : rows.status();
}

size_t Database::idle_connections() {
  std::lock_guard lock(mu_);
  return idle_.size();
}

int Database::open_connections() {
  std::lock_guard lock(mu_);
  return open_;
}

void Database::give_back(std::unique_ptr<Connection> connection) {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    // A broken connection is never reused after an error or time-out. A healthy one is kept:
    // closing it at once under load would open a new one for the next caller. Beyond
    // pool_size, idle ones are closed once unused for kSurplusIdle (the least recently used
    // sit at the front: connections are taken from the back).
    if (!connection->broken()) {
      idle_.push_back({std::move(connection), now});
    } else {
      --open_;
    }
    // The server went away under this one: the idle ones were opened before it did, so
    // none of them is handed out to fail its next caller.
    if (connection && connection->lost()) {
      for (auto& idle : idle_) closing.push_back(std::move(idle.connection));
      open_ -= static_cast<int>(idle_.size());
      idle_.clear();
    }
    while (static_cast<int>(idle_.size()) > settings_.pool_size &&
           now - idle_.front().since > kSurplusIdle) {
      closing.push_back(std::move(idle_.front().connection));
      idle_.erase(idle_.begin());
      --open_;
    }
  }
  returned_.notify_one();
  connection.reset();  // closed outside the lock
  closing.clear();
}

Status Database::transaction(const std::function<Status(Connection&)>& body) {
  auto lease = acquire();
  if (!lease.ok()) return lease.status();
  Connection& c = *lease.value();
  Status st = c.execute(dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION");
  if (!st.ok()) return st;
  st = body(c);
  if (st.ok()) st = c.execute("COMMIT");
  if (!st.ok()) (void)c.execute("ROLLBACK");
  return st;
}

StatusOr<std::shared_ptr<Database>> Database::open(const StorageSettings& settings) {
  std::shared_ptr<Database> db;
  if (settings.backend == "sqlite") {
    auto opened = SqliteDatabase::create(settings);
    if (!opened.ok()) return opened.status();
    db = std::move(opened).value();
  } else if (settings.backend == "mysql") {
    auto opened = MysqlDatabase::create(settings);
    if (!opened.ok()) return opened.status();
    db = std::move(opened).value();
  } else {
    return Status::Invalid("storage.backend: expected sqlite or mysql, got '" + settings.backend +
                           "'");
  }
  Status st = migrate(*db);
  if (!st.ok()) return st;
  return db;
}

}  // namespace mvne::storage
