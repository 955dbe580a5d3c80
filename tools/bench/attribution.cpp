// attribution: records per second through attribution + storage (RecordStore::submit), next
// to the backend's own bulk load of the same rows in the same run: `sqlite3 .import` for
// SQLite, LOAD DATA LOCAL INFILE for MariaDB (when a server URL is given).
//
// Usage: attribution [records, default 200000] [mysql://user:pw@host:port/db]
//        (the URL may also come from MVNE_TEST_MYSQL)
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/common/time.h"
#include "core/records/record_store.h"
#include "core/tenancy/directory.h"
#include "tools/bench/bench_support.h"

namespace {

using mvne::bench::Clock;
using mvne::bench::die;
using mvne::bench::seconds_since;
using mvne::storage::Row;

constexpr int kTenants = 8;
constexpr int kLinesPerTenant = 250;
constexpr size_t kBatch = 1000;

std::string msisdn(int tenant, int line) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+8190%02d%06d", tenant, line);
  return buf;
}

mvne::records::KindDef cdr_kind() {
  mvne::records::KindDef k;
  k.plugin = "bench";
  k.kind = "cdr";
  k.fields = {{"record_id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
              {"start", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
              {"calling", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN},
              {"called", MVNE_FIELD_TEXT, 0},
              {"seconds", MVNE_FIELD_INT64, 0}};
  mvne::Status st = mvne::records::validate(k);
  if (!st.ok()) die("kind", st);
  return k;
}

void seed(mvne::tenancy::Directory& dir) {
  for (int t = 0; t < kTenants; ++t) {
    std::string code = "t" + std::to_string(t);
    if (auto r = dir.add_tenant({0, code, code, "UTC", "/tmp", {}}); !r.ok())
      die("tenant", r.status());
    if (auto r = dir.add_plan({0, code, "p", "p", 0, 1, 1, 1, 1, ""}); !r.ok())
      die("plan", r.status());
    if (auto r = dir.add_subscriber({0, code, "sub", "s", "p", "s@" + code + ".example"});
        !r.ok()) {
      die("subscriber", r.status());
    }
    std::vector<mvne::tenancy::LineAssignment> lines;
    for (int l = 0; l < kLinesPerTenant; ++l) {
      lines.push_back({code, "sub", "", msisdn(t, l), "", "", 0, mvne::kForever});
    }
    if (auto r = dir.import_assignments(lines); !r.ok()) die("lines", r.status());
  }
}

std::vector<Row> make_records(size_t n) {
  std::mt19937 rng(42);
  std::vector<Row> rows;
  rows.reserve(n);
  int64_t base = mvne::parse_time_us("2026-06-01").value();
  for (size_t i = 0; i < n; ++i) {
    rows.push_back({"r" + std::to_string(i), base + int64_t(rng() % 2592000) * 1000000,
                    msisdn(rng() % kTenants, rng() % kLinesPerTenant), std::string("+81311112222"),
                    int64_t(rng() % 3600)});
  }
  return rows;
}

// The rows as they end up stored (attribution columns included), for the bulk loaders.
std::string write_csv(const std::vector<Row>& rows, const std::string& path) {
  std::ofstream out(path);
  for (size_t i = 0; i < rows.size(); ++i) {
    out << 1 << "," << 1 << "," << 1 << "," << 1 << "," << mvne::storage::as_int(rows[i][1]) << ",k"
        << i << ",bench," << 0 << "," << mvne::storage::as_text(rows[i][0]) << ","
        << mvne::storage::as_int(rows[i][1]) << "," << mvne::storage::as_text(rows[i][2]) << ","
        << mvne::storage::as_text(rows[i][3]) << "," << mvne::storage::as_int(rows[i][4]) << "\n";
  }
  return path;
}

const char* kBulkTable =
    "CREATE TABLE bulk (tenant_id {i64}, subscriber_id {i64}, assignment_id {i64}, line_ref {i64}, "
    "event_time {i64}, dedup_key {key} UNIQUE, source {text}, ingested_at {i64}, f_record_id "
    "{text}, "
    "f_start {i64}, f_calling {text}, f_called {text}, f_seconds {i64}){table_options}";

double run_submit(mvne::storage::Database& db, const std::vector<Row>& rows) {
  mvne::tenancy::Directory dir(std::shared_ptr<mvne::storage::Database>(&db, [](auto*) {}), {});
  seed(dir);
  mvne::records::RecordStore store(std::shared_ptr<mvne::storage::Database>(&db, [](auto*) {}), {});
  auto kind = cdr_kind();
  if (auto st = store.ensure(kind); !st.ok()) die("ensure", st);
  auto start = Clock::now();
  int64_t stored = 0;
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    std::vector<Row> batch(rows.begin() + i, rows.begin() + std::min(rows.size(), i + kBatch));
    auto counts = store.submit(kind, batch, "bench");
    if (!counts.ok()) die("submit", counts.status());
    stored += counts->stored;
  }
  double s = seconds_since(start);
  if (stored != static_cast<int64_t>(rows.size())) {
    std::fprintf(stderr, "attribution: stored %lld of %zu\n", static_cast<long long>(stored),
                 rows.size());
    std::exit(1);
  }
  return s;
}

void report(const char* backend, size_t n, double submit_s, double bulk_s, const char* bulk_name) {
  std::printf("%s:\n", backend);
  std::printf("  attribution + storage : %10.0f records/s (%zu in %.2f s)\n", n / submit_s, n,
              submit_s);
  std::printf("  %-21s : %10.0f records/s (%zu in %.2f s)\n", bulk_name, n / bulk_s, n, bulk_s);
  std::printf("  ratio                 : %10.2fx of the bulk load\n", bulk_s / submit_s);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  const char* url = argc > 2 ? argv[2] : std::getenv("MVNE_TEST_MYSQL");
  if (n == 0) {
    std::fprintf(stderr, "usage: attribution [records] [mysql://user:pw@host:port/db]\n");
    return 2;
  }
  mvne::bench::Scratch scratch("bench-attribution");
  const std::string dir = scratch.path();
  auto rows = make_records(n);
  std::string csv = write_csv(rows, dir + "/rows.csv");
  std::printf("attribution benchmark: %zu records, %d tenants x %d lines, batches of %zu\n", n,
              kTenants, kLinesPerTenant, kBatch);

  {  // SQLite
    mvne::storage::StorageSettings s;
    s.path = dir + "/bench.db";
    auto db = mvne::storage::Database::open(s);
    if (!db.ok()) die("sqlite", db.status());
    double submit_s = run_submit(*db.value(), rows);
    {
      auto lease = db.value()->acquire();
      if (auto st = (*lease)->execute(kBulkTable); !st.ok()) die("bulk table", st);
    }
    db.value().reset();
    report("SQLite", n, submit_s, mvne::bench::sqlite_import(s.path, csv, "bulk"),
           "sqlite3 .import");
  }

  if (url != nullptr && *url != '\0') {
    mvne::bench::ScratchMysql mysql(url);
    auto db = mvne::storage::Database::open(mysql.settings());
    if (!db.ok()) die("mysql", db.status());
    double submit_s = run_submit(*db.value(), rows);
    auto lease = db.value()->acquire();
    if (auto st = (*lease)->execute(kBulkTable); !st.ok()) die("bulk table", st);
    report("MariaDB", n, submit_s, mvne::bench::mysql_load(**lease, csv, "bulk"),
           "LOAD DATA LOCAL");
  } else {
    std::printf("MariaDB: skipped (give a mysql:// URL or set MVNE_TEST_MYSQL)\n");
  }
  return 0;
}
