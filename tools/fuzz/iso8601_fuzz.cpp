// libFuzzer target for the ISO 8601 parser of the SDK toolkit: any text; must never crash or
// overflow (UndefinedBehaviorSanitizer), and a time it accepts, written back at its own
// offset, must read as the same instant (to the second).
#include <mvne/toolkit/iso8601.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  mvne::toolkit::IsoTime time;
  std::string error;
  if (!mvne::toolkit::parse_iso8601(text, time, &error)) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  int64_t seconds = time.us / 1000000 - (time.us % 1000000 < 0 ? 1 : 0);
  std::string written = mvne::toolkit::format_iso8601(time.us, time.offset_s);
  mvne::toolkit::IsoTime again;
  if (!mvne::toolkit::parse_iso8601(written, again)) __builtin_trap();
  if (again.us != seconds * 1000000 || again.offset_s != time.offset_s) __builtin_trap();
  return 0;
}
