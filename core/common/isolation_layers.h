// The isolation layers, and (in test builds only) switching one off to show that a test
// catches what it stops. Built with the CMake option MVNE_ISOLATION_SWITCHES (refused for
// Release builds), the environment variable MVNE_LAYERS_OFF=name[,name...] switches the
// named layers off, and the process says so at error level the first time one is asked
// about. Without the option every layer is always on and layer_off() is a constant false.
// Which test shows which layer: docs/isolation-proof.md.
#pragma once

namespace mvne {

enum class Layer {
  kEgressGuard,       // egress_guard: outputs scanned for other principals' identifiers
  kCacheHeaders,      // cache_headers: personal answers marked private, no-store
  kBccFreeRendering,  // bcc_free_rendering: Bcc recipients only in the SMTP envelope
  kTimeAttribution,   // time_attribution: a record goes to the holder at its event time
  kReadWindow,        // read_window: reads keep to the assignment window rows were stored under
  kCheckedMerges,     // checked_merges: two holders' accounts are never merged
  kRequestContext,    // request_context: a context handle lives for one callback, on its thread
};

inline constexpr Layer kAllLayers[] = {
    Layer::kEgressGuard, Layer::kCacheHeaders,  Layer::kBccFreeRendering, Layer::kTimeAttribution,
    Layer::kReadWindow,  Layer::kCheckedMerges, Layer::kRequestContext};

// "egress_guard", "cache_headers", "bcc_free_rendering", "time_attribution", "read_window",
// "checked_merges", "request_context".
const char* layer_name(Layer layer);

// Whether `layer` is switched off (only ever in a test build).
bool layer_off(Layer layer);

}  // namespace mvne
