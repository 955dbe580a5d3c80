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

Status HostPeers::refresh() {
  const int64_t now = now_us();
  Status st = db_->transaction([&](storage::Connection& c) -> Status {
    Status up = c.execute("UPDATE hosts SET last_seen = ? WHERE id = ?", {now, id_});
    if (!up.ok()) return up;
    auto mine = c.query("SELECT COUNT(*) FROM hosts WHERE id = ?", {id_});
    if (!mine.ok()) return mine.status();
    if (as_int(mine.value()[0][0]) == 0) {  // removed by hand or expired: written again
      Status in = c.execute("INSERT INTO hosts (id, started_at, last_seen) VALUES (?, ?, ?)",
                            {id_, now, now});
      if (!in.ok()) return in;
    }
    auto others = c.query("SELECT id FROM hosts WHERE id <> ? AND last_seen > ?",
                          {id_, now - us(timing_.lease)});
    if (!others.ok()) return others.status();
    int n = 0;
    for (const auto& row : others.value()) {
      std::string other = storage::as_text(row[0]);
      if (!dead_here(other)) {
        ++n;
      } else if (Status gone = c.execute("DELETE FROM hosts WHERE id = ?", {other}); !gone.ok()) {
        return gone;
      }
    }
    if (n != others_.load() && others_.load() >= 0)
      log::info("host", n == 0 ? "alone on the database now"
                               : std::to_string(n) + " other host(s) share the database");
    others_ = n;
    // Rows of hosts long gone are removed (ten leases: nobody still counts them).
    return c.execute("DELETE FROM hosts WHERE last_seen < ?", {now - 10 * us(timing_.lease)});
  });
  if (st.ok()) refreshed_at_us_ = now;
  return st;
}

Status HostPeers::join() {
  if (Status st = refresh(); !st.ok()) return st;
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
