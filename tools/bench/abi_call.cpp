// abi_call: what a plugin pays to call the host through the ABI.
//
// Times config_get through the host function table (handle check, slot lock, indirect
// call) next to the same lookup done by a direct C++ call, in one run, and prints ns per
// call and the ratio. Usage: abi_call [iterations, default 5000000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/plugin/context_table.h"
#include "core/plugin/host_api.h"
#include "core/plugin/plugin_instance.h"

namespace {

using Clock = std::chrono::steady_clock;

// The direct equivalent of config_get: the same map lookup, no ABI in between.
__attribute__((noinline)) mvne_status direct_config_get(const mvne::config::Section& section,
                                                        const std::string& key, mvne_str* out) {
  auto it = section.find(key);
  if (it == section.end()) return MVNE_ERR_NOT_FOUND;
  *out = mvne_str{it->second.data(), it->second.size()};
  return MVNE_OK;
}

template <typename Fn>
double ns_per_call(long iterations, Fn&& fn) {
  auto start = Clock::now();
  for (long i = 0; i < iterations; ++i) fn();
  std::chrono::duration<double, std::nano> elapsed = Clock::now() - start;
  return elapsed.count() / static_cast<double>(iterations);
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 5000000;
  if (iterations <= 0) {
    std::fprintf(stderr, "abi_call: iterations must be a positive number\n");
    return 2;
  }
  mvne::metrics::Metrics metrics;
  mvne::config::Section section{{"greeting", "Hello"}, {"spool", "/var/spool/mvne"}};
  mvne::plugin::PluginInstance plugin("bench", nullptr, section, &metrics);
  mvne::plugin::CallScope scope{mvne::plugin::Phase::kRequest, &plugin, "bench"};
  auto binding = mvne::plugin::ContextTable::instance().bind(&scope);
  const mvne_host_api* api = mvne::plugin::host_api();
  mvne_context* ctx = binding->handle();

  const std::string key = "greeting";
  mvne_str key_str{key.data(), key.size()};
  mvne_str out{nullptr, 0};
  size_t sink = 0;
  // Warm up both paths, then measure each twice and keep the better run.
  auto through_table = [&] {
    api->config_get(ctx, key_str, &out);
    sink += out.len;
  };
  auto direct = [&] {
    direct_config_get(plugin.config(), key, &out);
    sink += out.len;
  };
  ns_per_call(iterations / 10, through_table);
  ns_per_call(iterations / 10, direct);
  double table_ns =
      std::min(ns_per_call(iterations, through_table), ns_per_call(iterations, through_table));
  double direct_ns = std::min(ns_per_call(iterations, direct), ns_per_call(iterations, direct));

  std::printf("abi_call: %ld iterations of config_get\n", iterations);
  std::printf("  through host function table : %8.1f ns/call\n", table_ns);
  std::printf("  direct C++ call             : %8.1f ns/call\n", direct_ns);
  std::printf("  ratio (table / direct)      : %8.2fx\n", table_ns / direct_ns);
  return sink == 0 ? 1 : 0;
}
