#include "tools/bench/bench_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace mvne::bench {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void die(const std::string& what, const std::string& message) {
  std::fprintf(stderr, "bench: %s: %s\n", what.c_str(), message.c_str());
  std::exit(1);
}

void die(const std::string& what, const Status& st) { die(what, st.message()); }

Scratch::Scratch(const std::string& name)
    : path_((std::filesystem::temp_directory_path() /
             ("mvne-" + name + "-" + std::to_string(getpid())))
                .string()) {
  std::filesystem::create_directories(path_);
}

Scratch::~Scratch() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ScratchMysql::ScratchMysql(const std::string& url) {
  auto admin_settings = storage::settings_from_url(url);
  if (!admin_settings.ok()) die("mysql url", admin_settings.status());
  auto admin = storage::Database::open(admin_settings.value());
  if (!admin.ok()) die("mysql", admin.status());
  admin_ = admin.value();
  settings_ = admin_settings.value();
  settings_.database = "bench_" + std::to_string(getpid());
  if (auto st = (*admin_->acquire())->execute("CREATE DATABASE " + settings_.database); !st.ok())
    die("create database", st);
}

ScratchMysql::~ScratchMysql() {
  (void)(*admin_->acquire())->execute("DROP DATABASE " + settings_.database);
}

double sqlite_import(const std::string& db_path, const std::string& csv, const std::string& table) {
  auto start = Clock::now();
  std::string cmd = "sqlite3 " + db_path + " \".import --csv " + csv + " " + table + "\"";
  if (std::system(cmd.c_str()) != 0) die("sqlite3 .import", cmd);
  return seconds_since(start);
}

double mysql_load(storage::Connection& c, const std::string& file, const std::string& table,
                  const std::string& fields) {
  auto start = Clock::now();
  Status st =
      c.execute("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE " + table + " FIELDS " + fields);
  if (!st.ok()) die("LOAD DATA LOCAL INFILE", st);
  return seconds_since(start);
}

}  // namespace mvne::bench
