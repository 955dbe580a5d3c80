#include "core/platform/host_peers.h"

#include <thread>

#include "core/common/time.h"
#include "core/ingest/spool_claims.h"
#include "core/log/log.h"

namespace mvne::platform {
namespace {

using storage::as_int;

// "host name:pid:process start", so that a row of a process on this machine that no longer
// runs (killed) is known dead at once rather than after its lease.
std::string derived_id() {
  ingest::Claimant self = ingest::Claimant::self(0);
  return self.host + ":" + std::to_string(self.pid) + ":" + std::to_string(self.started);
}

bool dead_here(const std::string& id) {
  ingest::Claimant self = ingest::Claimant::self(0), row;
  size_t second = id.rfind(':'), first = second == std::string::npos ? second : id.rfind(':', second - 1);
  if (first == std::string::npos || first == 0 || id.substr(0, first) != self.host) return false;
  try {
    row.host = self.host;
    row.pid = std::stoll(id.substr(first + 1, second - first - 1));
    row.started = std::stoll(id.substr(second + 1));
  } catch (const std::exception&) {
    return false;  // a name the operator chose
  }
  return !row.alive(self, 0);
}

int64_t us(std::chrono::milliseconds ms) { return static_cast<int64_t>(ms.count()) * 1000; }

}  // namespace

HostPeers::HostPeers(std::shared_ptr<storage::Database> db, std::string id, Timing timing)
    : db_(std::move(db)),
      id_(id.empty() ? derived_id() : std::move(id)),
      timing_(timing),
      worker_(timing.beat, [this] {
        if (Status st = refresh(); !st.ok())
          log::warn("host", "refreshing this host's row in table hosts: " + st.message());
      }) {}

HostPeers::~HostPeers() { worker_.stop(); }

// Statements on single rows by key, each committed at once: no transaction that could hold
// locks across rows and deadlock with another host's refresh.
Status HostPeers::refresh() {
  const int64_t now = now_us();
  Status st = db_->execute(
      db_->dialect() == storage::Dialect::kMysql
          ? "INSERT INTO hosts (id, started_at, last_seen) VALUES (?, ?, ?) "
            "ON DUPLICATE KEY UPDATE last_seen = VALUES(last_seen)"
          : "INSERT INTO hosts (id, started_at, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen",
      {id_, now, now});
  if (!st.ok()) return st;
  auto rows = db_->query("SELECT id, last_seen FROM hosts WHERE id <> ?", {id_});
  if (!rows.ok()) return rows.status();
  int n = 0;
  for (const auto& row : rows.value()) {
    std::string other = storage::as_text(row[0]);
    int64_t seen = as_int(row[1]);
    // Rows of hosts long gone (ten leases: nobody still counts them) or of a process on this
    // machine that no longer runs are removed.
    if (seen < now - 10 * us(timing_.lease) || dead_here(other)) {
      (void)db_->execute("DELETE FROM hosts WHERE id = ? AND last_seen = ?", {other, seen});
    } else if (seen > now - us(timing_.lease)) {
      ++n;
    }
  }
  if (n != others_.load() && others_.load() >= 0)
    log::info("host", n == 0 ? "alone on the database now"
                             : std::to_string(n) + " other host(s) share the database");
  others_ = n;
  refreshed_at_us_ = now;
  return Status::Ok();
}

Status HostPeers::join() {
  Status st = refresh();
  for (int attempt = 1; !st.ok() && st.code() == Code::kUnavailable && attempt < 10; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the database is busy
    st = refresh();
  }
  if (!st.ok()) return st;
  worker_.start();
  if (others_.load() > 0) {
    log::info("host", std::to_string(others_.load()) +
                          " other host(s) share the database: waiting " +
                          std::to_string(timing_.join.count()) + " ms for them to see this one");
    std::this_thread::sleep_for(timing_.join);
  }
  return Status::Ok();
}

void HostPeers::leave() {
  worker_.stop();
  (void)db_->execute("DELETE FROM hosts WHERE id = ?", {id_});
}

bool HostPeers::alone() const {
  return others_.load() == 0 && now_us() - refreshed_at_us_.load() <= us(timing_.trust);
}

}  // namespace mvne::platform
