// abi_call: what a plugin pays to call the host through the ABI.
//
// Times the host functions a plugin calls per request or per row: config_get, cursor_next,
// response_write and submit_records (per record, in batches of 100 records of the sms
// plugin's kind, held for the group commit, so no database write is timed), each through the
// host function table (handle check, indirect call) and as a direct C++ call of the same
// body on the same scope (core/plugin/host_calls.h), in one run. Prints ns per call (per
// record for submit_records), the difference (the table's cost) and the ratio.
// The added figure is what the table adds to each call a plugin makes per row; the target is
// at most 20 ns. Usage: abi_call [iterations, default 5000000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/platform/services.h"
#include "core/plugin/context_table.h"
#include "core/plugin/host_api.h"
#include "core/plugin/host_calls.h"
#include "core/plugin/library.h"
#include "core/plugin/plugin_instance.h"

namespace {

using Clock = std::chrono::steady_clock;
using mvne::plugin::CallScope;
using mvne::plugin::ContextTable;
using mvne::plugin::Phase;
namespace calls = mvne::plugin::calls;

template <typename Fn>
double ns_per_call(long iterations, Fn&& fn) {
  auto start = Clock::now();
  for (long i = 0; i < iterations; ++i) fn();
  std::chrono::duration<double, std::nano> elapsed = Clock::now() - start;
  return elapsed.count() / static_cast<double>(iterations);
}

// Warms both up, then alternates five runs of each and keeps each one's best (allocation
// and cache noise only ever adds); `per` divides (records per call).
template <typename A, typename B>
void compare(const char* what, long iterations, double per, A&& through_table, B&& direct) {
  ns_per_call(iterations / 10, through_table);
  ns_per_call(iterations / 10, direct);
  double t = 1e300, d = 1e300;
  for (int round = 0; round < 5; ++round) {
    t = std::min(t, ns_per_call(iterations / 5, through_table) / per);
    d = std::min(d, ns_per_call(iterations / 5, direct) / per);
  }
  std::printf("  %-28s table %7.1f ns  direct %7.1f ns  added %6.1f ns  ratio %5.2fx\n", what, t, d,
              t - d, t / d);
}

mvne_str str(const std::string& s) { return mvne_str{s.data(), s.size()}; }

void fail(const std::string& why) {
  std::fprintf(stderr, "abi_call: %s\n", why.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 5000000;
  if (iterations <= 0) fail("iterations must be a positive number");
  const mvne_host_api* api = mvne::plugin::host_api();
  size_t sink = 0;

  // The sms plugin, started on an in-memory database: its record kind is a real one.
  auto dir = std::filesystem::temp_directory_path() / ("abi_call_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  mvne::storage::StorageSettings storage;
  storage.path = (dir / "bench.db").string();
  auto db = mvne::storage::Database::open(storage);
  if (!db.ok()) fail(db.status().message());
  auto services = mvne::platform::Services::on(db.value(), {});
  auto library =
      mvne::plugin::PluginLibrary::open(std::string(MVNE_PLUGIN_DIR) + "/mvne_sms.so", "sms", api);
  if (!library.ok()) fail(library.status().message());
  mvne::metrics::Metrics metrics;
  mvne::plugin::PluginInstance plugin(
      "sms", library.value(), {{"spool_dir", (dir / "spool").string()}, {"greeting", "Hello"}},
      &metrics, services.get());
  if (auto st = plugin.start(); !st.ok()) fail(st.message());

  std::printf("abi_call: %ld iterations per figure (submit_records: per record, 100 a call)\n",
              iterations);

  {  // config_get and response_write, in a request.
    mvne::plugin::HttpExchange http;
    CallScope scope{Phase::kRequest, &plugin, "bench"};
    scope.http = &http;
    auto binding = ContextTable::instance().bind(&scope);
    mvne_context* ctx = binding->handle();
    const std::string key = "greeting";
    mvne_str out{nullptr, 0};
    compare(
        "config_get", iterations, 1,
        [&] { sink += api->config_get(ctx, str(key), &out) + out.len; },
        [&] { sink += calls::config_get(scope, str(key), &out) + out.len; });
    const std::string bytes = "{\"record_id\":\"r1\",\"charge\":3.3},";
    compare(
        "response_write (32 bytes)", iterations, 1,
        [&] {
          sink += api->response_write(ctx, str(bytes));
          if (http.body.size() > (1 << 20)) http.body.clear();
        },
        [&] {
          sink += calls::response_write(scope, str(bytes));
          if (http.body.size() > (1 << 20)) http.body.clear();
        });
  }

  {  // cursor_next over rows of 11 values, as a list route reads them.
    CallScope scope{Phase::kRequest, &plugin, "bench"};
    auto binding = ContextTable::instance().bind(&scope);
    mvne_context* ctx = binding->handle();
    mvne::plugin::Cursor& cursor = scope.cursors[1];
    cursor.result.types.assign(11, MVNE_FIELD_TEXT);
    cursor.result.rows.assign(1000, mvne::storage::Row(11, std::string("090-1111-0001")));
    auto* handle = reinterpret_cast<mvne_cursor*>(uintptr_t{1});
    mvne_record row{};
    int32_t has = 0;
    compare(
        "cursor_next (11 values)", iterations, 1,
        [&] {
          if (cursor.next == cursor.result.rows.size()) cursor.next = 0;
          sink += api->cursor_next(ctx, handle, &row, &has) + row.value_count;
        },
        [&] {
          if (cursor.next == cursor.result.rows.size()) cursor.next = 0;
          sink += calls::cursor_next(scope, handle, &row, &has) + row.value_count;
        });
  }

  {  // submit_records, 100 records of the sms kind a call, held for the group commit.
    CallScope scope{Phase::kIngest, &plugin, "bench"};
    mvne::plugin::DeferredWrites deferred;
    scope.deferred = &deferred;
    auto binding = ContextTable::instance().bind(&scope);
    mvne_context* ctx = binding->handle();
    std::vector<std::string> text = {
        "r1", "MO", "09011110001", "09077770001", "09011110001", "440100000000001", "smsc1", "OK"};
    std::vector<mvne_value> values = {{MVNE_FIELD_TEXT, 0, 0, str(text[0])},
                                      {MVNE_FIELD_TIME, 1790000000000000, 0, {}},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[1])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[2])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[3])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[4])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[5])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[6])},
                                      {MVNE_FIELD_TEXT, 0, 0, str(text[7])},
                                      {MVNE_FIELD_INT64, 1, 0, {}},
                                      {0, 0, 0, {}}};
    std::vector<mvne_record> batch(100, mvne_record{values.data(), values.size()});
    const std::string kind = "message";
    long calls_n = std::max(1L, iterations / 100);
    compare(
        "submit_records (per record)", calls_n, 100,
        [&] {
          sink += api->submit_records(ctx, str(kind), batch.data(), batch.size());
          deferred.records.clear();
        },
        [&] {
          sink += calls::submit_records(scope, str(kind), batch.data(), batch.size());
          deferred.records.clear();
        });
    if (!scope.host_refusal.empty()) fail("submit_records refused: " + scope.host_refusal);
  }
  plugin.stop(std::chrono::milliseconds(1000));
  std::filesystem::remove_all(dir);
  return sink == 0 ? 1 : 0;
}
