#include "core/storage/sqlite_connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "core/common/private_files.h"

namespace mvne::storage {
namespace {

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  int64_t changes() override { return sqlite3_changes(db_); }
  Dialect dialect() const override { return Dialect::kSqlite; }
  bool broken() const override { return broken_; }

 protected:
  StatusOr<int64_t> last_insert_id() override {
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status run(std::string_view portable_sql, const Params& params, std::vector<Row>* rows) override {
    std::string sql = expand_sql(portable_sql, Dialect::kSqlite);
    sqlite3_stmt* stmt = nullptr;
    auto cached = cache_.find(sql);
    if (cached != cache_.end()) {
      stmt = cached->second;
    } else {
      if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
          SQLITE_OK) {
        return fail("prepare");
      }
      cache_.emplace(sql, stmt);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      const Value& v = params[i];
      if (auto* n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(stmt, index, *n);
      } else if (auto* d = std::get_if<double>(&v)) {
        sqlite3_bind_double(stmt, index, *d);
      } else if (auto* s = std::get_if<std::string>(&v)) {
        sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(stmt, index);
      }
    }
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status st = fail("execute");
        sqlite3_reset(stmt);
        return st;
      }
      if (rows == nullptr) continue;
      Row row;
      int columns = sqlite3_column_count(stmt);
      row.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row.emplace_back(int64_t{sqlite3_column_int64(stmt, c)});
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          default:
            row.emplace_back(
                std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                            static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
      rows->push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return Status::Ok();
  }

 private:
  Status fail(const char* what) {
    int code = sqlite3_extended_errcode(db_);
    // Constraint violations are answers about the data; anything else taints the connection.
    if ((code & 0xff) != SQLITE_CONSTRAINT) broken_ = true;
    // A busy or locked database is over capacity, not broken: the request is shed (503).
    Code kind = (code & 0xff) == SQLITE_CONSTRAINT ? Code::kFailedPrecondition
                : (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED
                    ? Code::kUnavailable
                    : Code::kInternal;
    return Status(kind, std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  bool broken_ = false;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Records and key hashes are the owner's alone: the database file is created 0600 before
// SQLite opens it (SQLite gives its -wal and -shm files the database file's mode), and
// files an older version left readable by others are narrowed. An operator's link to the
// database on another disk is followed.
Status make_private(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && ((st.st_mode & 0777) == 0600 || ::fchmod(fd, 0600) == 0);
  ::close(fd);
  if (!ok) return Status::Unavailable("cannot make " + path + " owner-only (0600)");
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    if (Status st = files::narrow_mode(path + suffix, 0600); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::shared_ptr<Database>> SqliteDatabase::create(const StorageSettings& settings) {
  auto parent = std::filesystem::path(settings.path).parent_path();
  if (!parent.empty()) {
    if (Status made = files::create_dirs(parent, 0700); !made.ok())
      return Status::Invalid("storage.path: " + made.message());
  }
  if (Status mode = make_private(settings.path); !mode.ok())
    return Status::Invalid("storage.path: " + mode.message());
  std::shared_ptr<Database> db(new SqliteDatabase(settings, Dialect::kSqlite));
  auto first = db->acquire();  // fail early on an unusable file
  if (!first.ok()) return first.status();
  return db;
}

StatusOr<std::unique_ptr<Connection>> SqliteDatabase::connect() {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(settings().path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : "out of memory";
    sqlite3_close(handle);
    return Status::Unavailable("storage.path: cannot open " + settings().path + ": " + message);
  }
  sqlite3_busy_timeout(handle, 10000);
  auto connection = std::make_unique<SqliteConnection>(handle);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                             "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-32768"}) {
    auto rows = connection->query(pragma, {});
    if (!rows.ok()) {
      return Status::Unavailable("storage.path: " + settings().path + ": " +
                                 rows.status().message());
    }
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace mvne::storage
