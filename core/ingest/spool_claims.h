// Who is processing which spool file. A file is claimed by creating DIR/.processing/.NAME.claim
// exclusively (O_EXCL: one claimant wins, on one machine or several sharing the directory)
// and then renaming DIR/NAME into DIR/.processing/. The claim file records the claimant
// (host name, process id, process start time) and a lease expiry that the claimant renews
// while it works.
//
// A claim is dead when its claimant is: on this host, when that process no longer runs (the
// pid is gone or belongs to a process started at another time), at once; from another host,
// when its lease has expired. recover() takes dead claims back: the file returns to DIR/
// under its name and is processed again; records already stored are recognised as
// duplicates, so nothing is stored twice. A live claimant's files are never taken.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/status.h"

namespace mvne::ingest {

struct Claimant {
  std::string host;  // gethostname(); hosts sharing a spool need distinct names
  int64_t pid = 0;
  int64_t started = 0;  // process start, clock ticks since boot (/proc/PID/stat field 22)
  int64_t lease_until_us = 0;

  static Claimant self(int64_t lease_until_us);
  std::string encode() const;  // "host=...\npid=...\nstarted=...\nlease_until_us=...\n"
  static StatusOr<Claimant> decode(const std::string& text);
  // Whether this claimant may still be working, judged by `self` at `now_us`.
  bool alive(const Claimant& self, int64_t now_us) const;
};

class SpoolClaims {
 public:
  explicit SpoolClaims(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Claims DIR/NAME for this process and moves it into .processing/. Returns the claimed
  // path, or "" when another claimant holds NAME or the file went away.
  std::filesystem::path claim(const std::string& name, int64_t lease_until_us);
  // Extends this process's claim on NAME.
  void renew(const std::string& name, int64_t lease_until_us);
  // Ends this process's claim on NAME (after the file left .processing/).
  void release(const std::string& name);
  // Takes dead claims back (see above). Returns the files returned to DIR/.
  int recover(int64_t now_us);

  std::filesystem::path processing() const { return dir_ / ".processing"; }

 private:
  std::filesystem::path claim_path(const std::string& name) const {
    return processing() / ("." + name + ".claim");
  }
  bool take_back(const std::string& name);

  std::filesystem::path dir_;
};

}  // namespace mvne::ingest
