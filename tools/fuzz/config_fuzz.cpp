// libFuzzer target for the host's configuration reader (INI text and its settings): any text
// must end in settings or in an error that names where, never in a crash; settings it accepts,
// written back as the effective configuration, must read again as the same configuration.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto settings = mvne::config::parse_settings(text, "fuzz.conf", "/nonexistent", {});
  if (!settings.ok()) {
    if (settings.status().message().empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  std::string rendered = mvne::config::render_settings(settings.value());
  auto again = mvne::config::parse_settings(rendered, "rendered.conf", "/nonexistent", {});
  if (!again.ok()) __builtin_trap();
  if (mvne::config::render_settings(again.value()) != rendered) __builtin_trap();
  return 0;
}
