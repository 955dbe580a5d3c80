// Cumulative counters to usage: the bytes between two accounting events of a session, split
// over the quarter hours of that interval in proportion to time (so a session that crosses
// midnight in any time zone is split between the two days in proportion to time).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace data_sessions {

struct Counters {
  uint64_t in = 0, out = 0;  // cumulative octets from the subscriber (up) and to it (down)
  int64_t at_us = 0;
  bool stopped = false;  // the session's Stop was stored: these are its final counters
};

struct Slot {
  int64_t at_us = 0;  // where the interval enters the quarter hour
  uint64_t up = 0, down = 0;
};

// Splits cur - prev over [prev.at_us, cur.at_us). A counter lower than before gives no
// usage and sets `backwards`. The slots' bytes add up exactly to the deltas.
std::vector<Slot> split_usage(const Counters& prev, const Counters& cur, bool& backwards);

// "in out at_us[ stopped]" and back, for the plugin's key-value store.
std::string encode(const Counters& c);
bool decode(const std::string& text, Counters& out);

}  // namespace data_sessions
