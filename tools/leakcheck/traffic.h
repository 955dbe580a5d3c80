// What the leak check sends the host while it reads: switch and SMSC files into the spools,
// RADIUS accounting (Start, Interim-Update, Stop per session) over UDP, and numbers recycled
// to another MVNO's consumer through the directory during the run. Events on a number before
// its move carry its first holder's record ids and times before the move; after the move,
// the new holder's ids and the time of sending. And, as an operator would, password resets
// through mvnectl, each mailed to its consumer, and mistaken merges of two consumers' accounts
// (seed case 5), each of which the directory must refuse.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/platform/services.h"
#include "tools/leakcheck/canaries.h"
#include "tools/leakcheck/world.h"

namespace mvne::leakcheck {

struct TrafficCounts {
  // radius_events: events sent (each once or more); radius_answered: of them, answered.
  std::atomic<long> calls{0}, messages{0}, radius_sent{0}, radius_events{0}, radius_answered{0},
      moves{0}, moves_refused{0}, resets{0}, resets_failed{0}, merges_refused{0}, merges_done{0},
      merges_failed{0};
};

class Traffic {
 public:
  Traffic(const World& world, platform::Services* services, Ownership* ownership);
  ~Traffic();

  // Starts sending; stop() waits for the senders.
  void start();
  void stop();
  const TrafficCounts& counts() const { return counts_; }

 private:
  struct Move {
    Owner from, to;
    std::atomic<bool> done{false};
  };
  // A random line; its owner at this moment of the run, whether it was moved, and the move.
  Owner pick(std::mt19937& rng, const Move** move);
  void spool_files();
  void radius();
  void moves();
  void resets();
  void merges();
  bool stopping() const { return stopping_.load(); }

  const World& world_;
  platform::Services* services_;
  Ownership* ownership_;
  std::vector<std::unique_ptr<Move>> planned_;
  std::map<Owner, Move*> move_of_;  // fixed before start
  std::atomic<bool> stopping_{false};
  std::atomic<long> next_id_{0};
  TrafficCounts counts_;
  std::vector<std::thread> threads_;
};

}  // namespace mvne::leakcheck
