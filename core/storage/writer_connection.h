// A connection kept by one long-lived writer (a group-commit thread). On MariaDB it runs
// with autocommit off, so that a transaction costs its statements and a COMMIT, without a
// START TRANSACTION round trip before them; on SQLite, where BEGIN IMMEDIATE takes the write
// lock, it runs ordinary transactions. A connection that saw an error is replaced, and the
// connection goes back to the pool with autocommit on (or is dropped).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::storage {

class WriterConnection {
 public:
  explicit WriterConnection(std::shared_ptr<Database> db);
  ~WriterConnection();
  WriterConnection(const WriterConnection&) = delete;
  WriterConnection& operator=(const WriterConnection&) = delete;

  // Runs `body` and commits, or rolls back when it or the COMMIT fails.
  Status transaction(const std::function<Status(Connection&)>& body);
  const std::shared_ptr<Database>& database() const { return db_; }

 private:
  std::shared_ptr<Database> db_;
  std::optional<Lease> lease_;  // MariaDB: autocommit off while held
};

}  // namespace mvne::storage
