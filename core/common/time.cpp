#include "core/common/time.h"

#include <chrono>

namespace mvne {

StatusOr<toolkit::IsoTime> parse_time_text(std::string_view text) {
  toolkit::IsoTime t;
  std::string error;
  if (!toolkit::parse_iso8601(text, t, &error)) {
    return Status::Invalid("time '" + std::string(text) + "': " + error +
                           " (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM])");
  }
  return t;
}

StatusOr<int64_t> parse_time_us(std::string_view text) {
  auto t = parse_time_text(text);
  if (!t.ok()) return t.status();
  return t->us;
}

std::string format_time_us(int64_t us, int32_t offset_s) {
  if (us == kForever) return "";
  return toolkit::format_iso8601(us, offset_s);
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace mvne
