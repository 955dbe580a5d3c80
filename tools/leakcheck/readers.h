// What the leak check reads back, per output channel, each output scanned for canaries its
// recipient must not see (canaries.h): the tenant API with each MVNO's key, the consumers'
// app API after logging in (consumers of different MVNOs taking turns on one keep-alive
// connection, as behind a shared proxy), some requests deliberately naming another's number,
// the export files mvnectl writes, the mail the SMTP sink received, and the log lines of the
// host and mvnectl (where numbers and IMSIs are masked: a whole one is a leak whoever it
// belongs to).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tools/leakcheck/canaries.h"
#include "tools/leakcheck/world.h"

namespace mvne::leakcheck {

struct Channel {
  // with_data: outputs holding at least one canary of their recipient (the check saw data).
  // outage: unanswered while the host was being killed and restarted (not an error);
  // resent: mail delivered again after such a kill (SMTP's at-least-once across a crash).
  std::atomic<long> outputs{0}, with_data{0}, leaks{0}, shed{0}, throttled{0}, outage{0}, resent{0},
      errors{0};
};

class Tally {
 public:
  Channel& channel(const std::string& name);
  // A leak or an error, with a few examples kept.
  void leak(Channel& c, const std::string& what);
  void error(Channel& c, const std::string& what);
  void print() const;
  long leaks() const { return sum(&Channel::leaks); }
  long errors() const { return sum(&Channel::errors); }
  long outputs() const { return sum(&Channel::outputs); }

 private:
  long sum(std::atomic<long> Channel::*counter) const;  // over every channel

  mutable std::mutex mu_;
  std::map<std::string, Channel> channels_;
  std::vector<std::string> examples_;
};

// Reader threads until `stop` is set; `seed` varies the order between threads. `outages`
// is odd while the host is down, and counts up at each kill and each restart.
void read_http(const World& world, const Ownership& ownership, Tally& tally,
               const std::atomic<bool>& stop, const std::atomic<long>& outages, unsigned seed);

// Writes every tenant's exports of `dates` through mvnectl and scans every file in the
// tenants' export directories.
void export_and_scan(const World& world, const Ownership& ownership, Tally& tally,
                     const std::vector<std::string>& dates);

// Scans the host's and mvnectl's logs.
void scan_log(const World& world, Tally& tally);

// Scans every message at the SMTP sink for its recipient.
void scan_mail(const World& world, const Ownership& ownership, Tally& tally);

}  // namespace mvne::leakcheck
