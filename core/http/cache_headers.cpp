#include "core/http/cache_headers.h"

#include "core/common/isolation_layers.h"

namespace mvne::http {

void mark_personal(Reply& reply) {
  if (layer_off(Layer::kCacheHeaders)) return;  // a test build showing what the layer stops
  reply.headers.emplace_back("Cache-Control", "private, no-store");
  reply.headers.emplace_back("Vary", "Authorization, Cookie");
}

}  // namespace mvne::http
