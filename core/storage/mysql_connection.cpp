#include "core/storage/mysql_connection.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <unordered_map>

namespace mvne::storage {
namespace {

constexpr int kDuplicateKey = 1062;

// Errors that say the server is busy or gone, not that the statement is wrong: the request
// is shed with 503 and may be retried.
bool server_busy_or_gone(int code) {
  switch (code) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
      return true;
    default:
      return false;
  }
}

// Errors that say the connection itself is gone (the server stopped or restarted, or killed
// it): every connection opened before it is likely gone too.
bool connection_lost(int code) {
  switch (code) {
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default:
      return false;
  }
}

sql::mysql::MySQL_Driver* driver() {
  // The first call is not thread-safe in Connector/C++; a function-local static is.
  static sql::mysql::MySQL_Driver* instance = sql::mysql::get_mysql_driver_instance();
  return instance;
}

class MysqlConnection : public Connection {
 public:
  explicit MysqlConnection(std::unique_ptr<sql::Connection> connection)
      : connection_(std::move(connection)) {}

  int64_t changes() override { return changes_; }
  Dialect dialect() const override { return Dialect::kMysql; }
  bool broken() const override { return broken_; }
  bool lost() const override { return lost_; }

 protected:
  StatusOr<int64_t> last_insert_id() override {
    auto id = query("SELECT LAST_INSERT_ID()", {});
    if (!id.ok()) return id.status();
    return as_int(id.value().at(0).at(0));
  }

  Status run(std::string_view portable_sql, const Params& params, std::vector<Row>* rows) override {
    std::string sql = expand_sql(portable_sql, Dialect::kMysql);
    try {
      if (params.empty() && rows == nullptr) {
        std::unique_ptr<sql::Statement> stmt(connection_->createStatement());
        stmt->execute(sql);
        changes_ = stmt->getUpdateCount();
        return Status::Ok();
      }
      sql::PreparedStatement* stmt = prepared(sql);
      for (size_t i = 0; i < params.size(); ++i) {
        unsigned index = static_cast<unsigned>(i + 1);
        const Value& v = params[i];
        if (auto* n = std::get_if<int64_t>(&v)) {
          stmt->setInt64(index, *n);
        } else if (auto* d = std::get_if<double>(&v)) {
          stmt->setDouble(index, *d);
        } else if (auto* s = std::get_if<std::string>(&v)) {
          stmt->setString(index, sql::SQLString(s->data(), s->size()));
        } else {
          stmt->setNull(index, sql::DataType::SQLNULL);
        }
      }
      if (rows == nullptr) {
        changes_ = stmt->executeUpdate();
        return Status::Ok();
      }
      std::unique_ptr<sql::ResultSet> result(stmt->executeQuery());
      sql::ResultSetMetaData* meta = result->getMetaData();
      unsigned columns = meta->getColumnCount();
      while (result->next()) {
        Row row;
        row.reserve(columns);
        for (unsigned c = 1; c <= columns; ++c) {
          if (result->isNull(c)) {
            row.emplace_back(std::monostate{});
            continue;
          }
          switch (meta->getColumnType(c)) {
            case sql::DataType::BIT:
            case sql::DataType::TINYINT:
            case sql::DataType::SMALLINT:
            case sql::DataType::MEDIUMINT:
            case sql::DataType::INTEGER:
            case sql::DataType::BIGINT:
              row.emplace_back(int64_t{result->getInt64(c)});
              break;
            case sql::DataType::REAL:
            case sql::DataType::DOUBLE:
            case sql::DataType::DECIMAL:
            case sql::DataType::NUMERIC:
              row.emplace_back(static_cast<double>(result->getDouble(c)));
              break;
            default:
              row.emplace_back(std::string(result->getString(c)));
          }
        }
        rows->push_back(std::move(row));
      }
      return Status::Ok();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == kDuplicateKey) {
        return Status::Precondition(std::string("mysql: ") + e.what());
      }
      broken_ = true;  // a connection that saw an error is not reused
      lost_ = connection_lost(e.getErrorCode());
      cache_.clear();
      return Status(
          server_busy_or_gone(e.getErrorCode()) ? Code::kUnavailable : Code::kInternal,
          std::string("mysql error ") + std::to_string(e.getErrorCode()) + ": " + e.what());
    }
  }

 private:
  sql::PreparedStatement* prepared(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
    return cache_.emplace(sql, std::move(stmt)).first->second.get();
  }

  std::unique_ptr<sql::Connection> connection_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> cache_;
  int64_t changes_ = 0;
  bool broken_ = false;
  bool lost_ = false;
};

}  // namespace

StatusOr<std::shared_ptr<Database>> MysqlDatabase::create(const StorageSettings& settings) {
  std::shared_ptr<Database> db(new MysqlDatabase(settings, Dialect::kMysql));
  auto first = db->acquire();  // fail early when the server is unreachable
  if (!first.ok()) return first.status();
  return db;
}

StatusOr<std::unique_ptr<Connection>> MysqlDatabase::connect() {
  const StorageSettings& s = settings();
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(s.host);
  options["port"] = s.port;
  options["userName"] = sql::SQLString(s.user);
  options["password"] = sql::SQLString(s.password);
  options["schema"] = sql::SQLString(s.database);
  options["OPT_CONNECT_TIMEOUT"] = 5;
  options["OPT_READ_TIMEOUT"] = 60;
  options["OPT_WRITE_TIMEOUT"] = 60;
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  options["OPT_RECONNECT"] = false;
  options["CLIENT_LOCAL_FILES"] = true;
  try {
    std::unique_ptr<sql::Connection> connection(driver()->connect(options));
    std::unique_ptr<sql::Statement> stmt(connection->createStatement());
    stmt->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,ONLY_FULL_GROUP_BY'");
    stmt->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    return std::unique_ptr<Connection>(std::make_unique<MysqlConnection>(std::move(connection)));
  } catch (const sql::SQLException& e) {
    // The message names the server, never the password.
    return Status::Unavailable("storage: cannot connect to mysql://" + s.user + "@" + s.host + ":" +
                               std::to_string(s.port) + "/" + s.database + ": " + e.what());
  }
}

}  // namespace mvne::storage
