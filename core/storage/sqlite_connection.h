// The SQLite backend: one file, WAL mode, a pool of connections with a busy timeout.
#pragma once

#include <memory>

#include "core/storage/database.h"

namespace mvne::storage {

class SqliteDatabase : public Database {
 public:
  static StatusOr<std::shared_ptr<Database>> create(const StorageSettings& settings);

 protected:
  using Database::Database;
  StatusOr<std::unique_ptr<Connection>> connect() override;
};

}  // namespace mvne::storage
