#include "core/common/isolation_layers.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mvne {

const char* layer_name(Layer layer) {
  switch (layer) {
    case Layer::kEgressGuard:
      return "egress_guard";
    case Layer::kCacheHeaders:
      return "cache_headers";
    case Layer::kBccFreeRendering:
      return "bcc_free_rendering";
    case Layer::kTimeAttribution:
      return "time_attribution";
    case Layer::kReadWindow:
      return "read_window";
    case Layer::kCheckedMerges:
      return "checked_merges";
    case Layer::kRequestContext:
      return "request_context";
  }
  return "?";
}

#ifdef MVNE_ISOLATION_SWITCHES
namespace {

// The layers named in MVNE_LAYERS_OFF, read once.
unsigned read_switches() {
  const char* env = std::getenv("MVNE_LAYERS_OFF");
  if (env == nullptr || *env == '\0') return 0;
  const std::string names = std::string(",") + env + ",";
  unsigned off = 0;
  for (Layer l : kAllLayers) {
    if (names.find(std::string(",") + layer_name(l) + ",") != std::string::npos)
      off |= 1u << static_cast<unsigned>(l);
  }
  std::fprintf(stderr,
               "ISOLATION LAYERS SWITCHED OFF for a test (MVNE_LAYERS_OFF=%s): never run a "
               "process like this with real data\n",
               env);
  return off;
}

}  // namespace

bool layer_off(Layer layer) {
  static const unsigned off = read_switches();
  return (off >> static_cast<unsigned>(layer)) & 1u;
}
#else
bool layer_off(Layer) { return false; }
#endif

}  // namespace mvne
