// ingest: voice CDR lines per second end to end (spool file -> voice_cdr plugin -> stored,
// attributed, rated rows), for SQLite and MariaDB, beside the backend's own bulk load of the
// same stored rows into a table of the same shape and indexes, timed in the same run; with
// the ratio and the peak RSS of the ingesting process (each backend runs in a child process,
// measured with wait4).
//
// Usage: ingest [lines, default 1000000] [mysql://user:pw@host:port/db]
//        (the URL may also come from MVNE_TEST_MYSQL; without it MariaDB is skipped)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/ingest/spooler.h"
#include "core/log/log.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/cdr_world.h"

namespace {

using mvne::bench::Clock;
using mvne::bench::die;

const char* kTable = "rec_voice_cdr_cdr";

// In the child: seeds, starts the plugin, ingests every file; prints "seconds stored".
[[noreturn]] void ingest_child(const mvne::storage::StorageSettings& storage,
                               const std::string& spool, const std::string& result_path) {
  auto db = mvne::storage::Database::open(storage);
  if (!db.ok()) die("open", db.status());
  auto settings = mvne::config::parse_settings(
      "", "bench", "/",
      {std::string("plugins.dir=") + MVNE_PLUGIN_DIR, "plugins.enabled=voice_cdr",
       "plugin.voice_cdr.spool_dir=" + spool, "log.level=warn"});
  if (!settings.ok()) die("settings", settings.status());
  (void)mvne::log::init(settings->log);
  auto services = mvne::platform::Services::on(db.value(), settings->numbering);
  mvne::bench::seed_cdr_world(*services->directory);
  mvne::metrics::Metrics metrics;
  mvne::plugin::PluginManager plugins(&metrics, services.get());
  if (auto st = plugins.apply(settings.value(), std::chrono::seconds(5)); !st.ok())
    die("plugins", st);
  if (!plugins.all_running()) die("plugins", "voice_cdr did not start");
  mvne::ingest::Spooler spooler(&plugins, db.value()->writers(settings->host.ingest_workers));
  auto start = Clock::now();
  while (spooler.poll() > 0) {
  }
  double seconds = mvne::bench::seconds_since(start);
  if (auto q = services->records->quarantine(false); q.ok() && !q->empty()) {
    std::fprintf(stderr, "%zu record(s) quarantined, e.g. %s: %s\n", q->size(),
                 q->front().source.c_str(), q->front().reason.c_str());
  }
  std::ofstream(result_path) << seconds << " " << metrics.ingest_records("voice_cdr", "stored")
                             << "\n";
  plugins.stop_all(std::chrono::seconds(5));
  std::_Exit(0);
}

struct Run {
  double seconds = 0;
  uint64_t stored = 0;
  long peak_rss_kb = 0;
};

Run run_ingest(const mvne::storage::StorageSettings& storage, const std::string& spool,
               const std::string& scratch) {
  std::string result = scratch + "/result.txt";
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork", "failed");
  if (pid == 0) ingest_child(storage, spool, result);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die("ingest", "the ingesting process failed");
  Run run;
  std::ifstream(result) >> run.seconds >> run.stored;
  run.peak_rss_kb = usage.ru_maxrss;
  return run;
}

void report(const char* backend, size_t n, const Run& run, double bulk_s, const char* bulk) {
  if (run.stored != n) {
    die(backend, "stored " + std::to_string(run.stored) + " of " + std::to_string(n) +
                     " lines (see mvnectl quarantine list)");
  }
  std::printf("%s:\n", backend);
  std::printf("  spool -> stored, attributed, rated : %9.0f records/s (%zu in %.2f s)\n",
              n / run.seconds, n, run.seconds);
  std::printf("  %-34s : %9.0f rows/s (%.2f s)\n", bulk, n / bulk_s, bulk_s);
  std::printf("  ratio                              : %9.2fx of the bulk load (target 0.70x)\n",
              bulk_s / run.seconds);
  std::printf("  peak RSS of the ingesting process  : %9.1f MB (target < 200 MB)\n",
              run.peak_rss_kb / 1024.0);
  std::fflush(stdout);
}

// Recreates `table`'s schema as `bulk` (SQLite): the table and its indexes.
void copy_schema_sqlite(mvne::storage::Connection& c) {
  auto rows = c.query("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
                      {std::string(kTable)});
  if (!rows.ok()) die("schema", rows.status());
  for (const auto& r : rows.value()) {
    std::string sql = mvne::storage::as_text(r[0]);
    for (size_t at = sql.find(kTable); at != std::string::npos; at = sql.find(kTable, at + 4))
      sql.replace(at, std::string(kTable).size(), "bulk");
    if (auto st = c.execute(sql); !st.ok()) die("bulk schema", st);
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const char* url = argc > 2 ? argv[2] : std::getenv("MVNE_TEST_MYSQL");
  if (n == 0) {
    std::fprintf(stderr, "usage: ingest [lines] [mysql://user:pw@host:port/db]\n");
    return 2;
  }
  mvne::bench::Scratch scratch("bench-ingest");
  const std::string dir = scratch.path();
  int files = mvne::bench::write_cdr_spool(dir + "/master", n, 250000);
  std::printf("ingest benchmark: %zu CDR lines in %d file(s), %d tenants x %d lines\n", n, files,
              mvne::bench::kCdrTenants, mvne::bench::kCdrLinesPerTenant);

  {  // SQLite
    std::filesystem::copy(dir + "/master", dir + "/spool-sqlite");
    mvne::storage::StorageSettings s;
    s.path = dir + "/ingest.db";
    Run run = run_ingest(s, dir + "/spool-sqlite", dir);
    std::string csv = dir + "/rows.csv";
    std::string dump = "sqlite3 -csv " + s.path + " \"SELECT * FROM " + kTable + "\" > " + csv;
    if (std::system(dump.c_str()) != 0) die("dump", dump);
    {
      auto db = mvne::storage::Database::open(s);
      if (!db.ok()) die("open", db.status());
      copy_schema_sqlite(**db.value()->acquire());
    }
    report("SQLite", n, run, mvne::bench::sqlite_import(s.path, csv, "bulk"),
           "sqlite3 .import, same rows");
    std::filesystem::remove(csv);
  }

  if (url != nullptr && *url != '\0') {
    std::filesystem::copy(dir + "/master", dir + "/spool-mysql");
    mvne::bench::ScratchMysql mysql(url);
    auto db = mvne::storage::Database::open(mysql.settings());  // migrations first
    if (!db.ok()) die("mysql", db.status());
    Run run = run_ingest(mysql.settings(), dir + "/spool-mysql", dir);
    const auto& m = mysql.settings();
    std::string tsv = dir + "/rows.tsv";
    std::string dump = "mariadb --batch --skip-column-names -h " + m.host + " -P " +
                       std::to_string(m.port) + " -u " + m.user + " -p'" + m.password + "' " +
                       m.database + " -e 'SELECT * FROM " + kTable +
                       "' | sed -e 's/\\tNULL\\t/\\t\\\\N\\t/g' > " + tsv;
    if (std::system(dump.c_str()) != 0) die("dump", "mariadb client failed");
    auto lease = db.value()->acquire();
    if (auto st = (*lease)->execute(std::string("CREATE TABLE bulk LIKE ") + kTable); !st.ok())
      die("bulk table", st);
    report("MariaDB", n, run, mvne::bench::mysql_load(**lease, tsv, "bulk", "TERMINATED BY '\\t'"),
           "LOAD DATA LOCAL INFILE, same rows");
  } else {
    std::printf("MariaDB: skipped (give a mysql:// URL or set MVNE_TEST_MYSQL)\n");
  }
  return 0;
}
