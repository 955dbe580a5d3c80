#include "core/http/readiness_probe.h"

#include "core/log/log.h"

namespace mvne::http {
namespace {

constexpr auto kFreshFor = std::chrono::seconds(1);

}  // namespace

ReadinessProbe::ReadinessProbe(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

std::vector<ReadinessCheck> ReadinessProbe::run() {
  if (!db_) return {};
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!last_.empty() && now - checked_at_ < kFreshFor) return last_;
  ReadinessCheck database{"database", true, ""};
  Status st = db_->probe();
  if (!st.ok()) {
    database.ok = false;
    database.reason =
        st.code() == Code::kUnavailable
            ? "the " +
                  std::string(db_->dialect() == storage::Dialect::kSqlite ? "SQLite file"
                                                                          : "MariaDB server") +
                  " cannot be opened or does not answer (details in the log)"
            : "the database does not read back its schema (details in the log)";
    log::write(log::Level::kWarn, "readiness", "", "not ready: " + st.message());
  }
  last_ = {database};
  checked_at_ = std::chrono::steady_clock::now();
  return last_;
}

}  // namespace mvne::http
