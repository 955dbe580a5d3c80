// What the benchmarks share: timing, a scratch directory, a throwaway MariaDB database, and
// the backends' own bulk loaders (sqlite3 .import, LOAD DATA LOCAL INFILE) as references.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::bench {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start);

// Prints "<program>: <what>: <message>" and exits 1.
[[noreturn]] void die(const std::string& what, const Status& st);
[[noreturn]] void die(const std::string& what, const std::string& message);

// A directory under the system temp dir, removed with everything in it.
class Scratch {
 public:
  explicit Scratch(const std::string& name);
  ~Scratch();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A new database on the MariaDB server at `url`, dropped again by the destructor.
class ScratchMysql {
 public:
  explicit ScratchMysql(const std::string& url);
  ~ScratchMysql();
  const storage::StorageSettings& settings() const { return settings_; }

 private:
  std::shared_ptr<storage::Database> admin_;
  storage::StorageSettings settings_;
};

// Seconds `sqlite3 DB ".import --csv CSV TABLE"` takes.
double sqlite_import(const std::string& db_path, const std::string& csv, const std::string& table);

// Seconds LOAD DATA LOCAL INFILE of `file` into `table` takes (`fields`: the FIELDS clause).
double mysql_load(storage::Connection& c, const std::string& file, const std::string& table,
                  const std::string& fields = "TERMINATED BY ','");

}  // namespace mvne::bench
