#include "plugins/data_sessions/usage.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace data_sessions {
namespace {

constexpr int64_t kQuarter = int64_t{900} * 1000000;

int64_t quarter_start(int64_t us) { return us - (((us % kQuarter) + kQuarter) % kQuarter); }

}  // namespace

std::vector<Slot> split_usage(const Counters& prev, const Counters& cur, bool& backwards) {
  backwards = cur.in < prev.in || cur.out < prev.out;
  uint64_t up = cur.in >= prev.in ? cur.in - prev.in : 0;
  uint64_t down = cur.out >= prev.out ? cur.out - prev.out : 0;
  std::vector<Slot> slots;
  if (up == 0 && down == 0) return slots;
  if (cur.at_us <= prev.at_us) {  // no time passed: all in the event's quarter hour
    slots.push_back({cur.at_us, up, down});
    return slots;
  }
  const double span = static_cast<double>(cur.at_us - prev.at_us);
  uint64_t given_up = 0, given_down = 0;
  for (int64_t at = prev.at_us; at < cur.at_us;) {
    int64_t end = std::min(quarter_start(at) + kQuarter, cur.at_us);
    bool last = end == cur.at_us;
    double share = static_cast<double>(end - at) / span;
    Slot s{at, last ? up - given_up : static_cast<uint64_t>(static_cast<double>(up) * share),
           last ? down - given_down : static_cast<uint64_t>(static_cast<double>(down) * share)};
    s.up = std::min(s.up, up - given_up);
    s.down = std::min(s.down, down - given_down);
    given_up += s.up;
    given_down += s.down;
    if (s.up > 0 || s.down > 0) slots.push_back(s);
    at = end;
  }
  return slots;
}

std::string encode(const Counters& c) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%" PRIu64 " %" PRIu64 " %" PRId64 "%s", c.in, c.out, c.at_us,
                c.stopped ? " stopped" : "");
  return buf;
}

bool decode(const std::string& text, Counters& out) {
  char flag[8] = "";
  int n = std::sscanf(text.c_str(), "%" SCNu64 " %" SCNu64 " %" SCNd64 " %7s", &out.in, &out.out,
                      &out.at_us, flag);
  out.stopped = n == 4 && std::string(flag) == "stopped";
  return n == 3 || out.stopped;
}

}  // namespace data_sessions
