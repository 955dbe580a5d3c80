// The MySQL/MariaDB backend over MySQL Connector/C++ (the 1.1 JDBC-style API).
#pragma once

#include <memory>

#include "core/storage/database.h"

namespace mvne::storage {

class MysqlDatabase : public Database {
 public:
  static StatusOr<std::shared_ptr<Database>> create(const StorageSettings& settings);

 protected:
  using Database::Database;
  StatusOr<std::unique_ptr<Connection>> connect() override;
};

}  // namespace mvne::storage
