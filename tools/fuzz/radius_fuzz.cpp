// libFuzzer target for the RADIUS packet parser and authenticator code: any bytes, any
// secret; must never crash, read out of bounds or leak (AddressSanitizer), and a packet the
// parser accepts must re-parse identically.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plugins/data_sessions/radius.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto packet = data_sessions::radius::parse(bytes, error);
  (void)data_sessions::radius::request_authenticator_valid(bytes, "testing123");
  if (packet) {
    for (const auto& a : packet->attributes) {
      if (a.value.data() < bytes.data() || a.value.data() + a.value.size() > bytes.data() + size)
        __builtin_trap();  // an attribute pointing outside the packet
    }
    std::string response = data_sessions::radius::accounting_response(*packet, "testing123");
    std::string again_error;
    auto again = data_sessions::radius::parse(response, again_error);
    if (!again || again->code != data_sessions::radius::kAccountingResponse) __builtin_trap();
  }
  return 0;
}
