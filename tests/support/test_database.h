// A fresh, empty database for one test, on each backend: SQLite, and MariaDB at the server
// MVNE_TEST_MYSQL names (tools/test starts a throwaway one and sets it). Without that
// variable the MariaDB cases fail and say so: they are never skipped.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/storage/database.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {

// {"sqlite", "mysql"}
std::vector<std::string> test_backends();

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend);
  ~TestDatabase();

  std::shared_ptr<storage::Database> db() const { return db_; }
  const storage::StorageSettings& settings() const { return settings_; }

 private:
  TempDir dir_;
  storage::StorageSettings settings_;
  std::shared_ptr<storage::Database> db_;
};

// The [storage] section of a config file for `settings` (a MariaDB password goes to a file
// in `dir`).
std::string storage_section(const storage::StorageSettings& settings, const TempDir& dir);

// A MariaDB server of its own (tools/testdb), for a test that stops the server under a
// running host. Starting one takes seconds: use it only where a shared server will not do.
class ThrowawayMariaDb {
 public:
  ThrowawayMariaDb();   // fails the test when the server does not start
  ~ThrowawayMariaDb();  // stops it if still running and removes its files
  ThrowawayMariaDb(const ThrowawayMariaDb&) = delete;
  ThrowawayMariaDb& operator=(const ThrowawayMariaDb&) = delete;

  // Its settings (database mvne_test, migrated on first open).
  const storage::StorageSettings& settings() const { return settings_; }
  void stop();

 private:
  void start();

  TempDir dir_;
  std::string server_dir_;
  bool running_ = false;
  storage::StorageSettings settings_;
};

}  // namespace mvne::testing
