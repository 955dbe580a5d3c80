#include "core/storage/database.h"

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

StatusOr<StorageSettings> settings_from_url(const std::string& url) {
  static const std::regex kUrl(R"(mysql://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([A-Za-z0-9_]+))");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) {
    return Status::Invalid("expected mysql://user:password@host:port/database");
  }
  StorageSettings s;
  s.backend = "mysql";
  s.user = m[1];
  s.password = m[2];
  s.host = m[3];
  s.port = std::stoi(m[4]);
  s.database = m[5];
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
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  auto connection = connect();
  if (!connection.ok()) return connection.status();
  opened_.fetch_add(1);
  return Lease(this, std::move(connection).value());
}

size_t Database::idle_connections() {
  std::lock_guard lock(mu_);
  return idle_.size();
}

void Database::give_back(std::unique_ptr<Connection> connection) {
  if (connection->broken()) return;  // never reused after an error or time-out
  std::lock_guard lock(mu_);
  if (static_cast<int>(idle_.size()) < settings_.pool_size) idle_.push_back(std::move(connection));
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
