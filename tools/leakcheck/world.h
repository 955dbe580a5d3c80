// The leak check's world: `tenants` MVNOs of `subscribers` consumers each, every one with
// its canaries (canaries.h), a line (number and IMSI), a portal password and, per tenant, an
// API key; the SMTP sink its mail goes to, and the config of the host that serves it (every
// plugin, exports, RADIUS, mail).
#pragma once

#include <sys/types.h>
#include <cstdint>

#include <memory>
#include <string>
#include <vector>

#include "core/storage/database.h"

namespace mvne::leakcheck {

struct Options {
  int tenants = 100;
  int subscribers = 100;  // per tenant
  int seconds = 1500;     // of traffic and reads
  int clients = 32;       // HTTP reader threads (past the host's capacity, see host_config)
  double moved = 0.02;    // share of numbers recycled to another MVNO's consumer in the run
  int kills = 0;          // times the host is killed (kill -9) at random moments and restarted
  int db_restarts = 0;    // times the database server is stopped and started again (MariaDB)
};

struct World {
  Options options;
  std::string dir;  // scratch: config, spools, exports, logs
  uint16_t http_port = 0, radius_port = 0;
  pid_t mail_sink = -1;  // the SMTP sink the outbox is delivered to; its messages in mail_dir()
  std::vector<std::string> keys;  // per tenant
  std::string password(int t, int s) const;
  std::string spool(const std::string& plugin) const { return dir + "/spool/" + plugin; }
  std::string exports(int t) const;
  std::string config() const { return dir + "/mvne.conf"; }
  // The log of the host's `run`th start (restarted after each kill -9).
  std::string log(int run = 0) const { return dir + "/host-" + std::to_string(run) + ".log"; }
  std::string ctl_log() const { return dir + "/mvnectl.log"; }
  std::string mail_dir() const { return dir + "/mail"; }
};

// Runs mvnectl on the world's config with `args` (its output appended to ctl_log()): its
// exit code and the last line it wrote (the reason, when it refused).
struct CtlResult {
  int code = 0;
  std::string last_line;
};
CtlResult run_mvnectl(const World& world, const std::vector<std::string>& args);

// Seeds `db`, starts the SMTP sink and writes the host's config (`storage_lines`: its
// [storage] section).
World build_world(const Options& options, const std::string& dir,
                  std::shared_ptr<storage::Database> db, const std::string& storage_lines);

}  // namespace mvne::leakcheck
