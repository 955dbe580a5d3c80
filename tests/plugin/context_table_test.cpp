#include "core/plugin/context_table.h"

#include <gtest/gtest.h>

namespace mvne::plugin {
namespace {

mvne_status touch(ContextTable& table, mvne_context* handle) {
  return table.with(handle, [](CallScope&) { return MVNE_OK; });
}

// A handle works during its binding and is refused, and counted, after it.
TEST(ContextTable, HandleDiesWithItsBinding) {
  ContextTable table(4);
  CallScope scope{Phase::kRequest, nullptr, "r1"};
  mvne_context* kept = nullptr;
  {
    auto binding = table.bind(&scope);
    ASSERT_TRUE(binding);
    kept = binding->handle();
    EXPECT_EQ(touch(table, kept), MVNE_OK);
  }
  EXPECT_EQ(touch(table, kept), MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(table.stale_uses(), 1u);
}

// A slot reused by the next callback does not honour the previous callback's handle.
TEST(ContextTable, ReusedSlotRefusesOldGeneration) {
  ContextTable table(1);
  CallScope first{Phase::kRequest, nullptr, "first"};
  CallScope second{Phase::kRequest, nullptr, "second"};
  mvne_context* old_handle = nullptr;
  { old_handle = table.bind(&first)->handle(); }
  auto binding = table.bind(&second);
  ASSERT_TRUE(binding);
  EXPECT_NE(binding->handle(), old_handle);
  std::string seen;
  EXPECT_EQ(table.with(old_handle,
                       [&](CallScope& s) {
                         seen = s.request_id;
                         return MVNE_OK;
                       }),
            MVNE_ERR_STALE_CONTEXT);
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(table.with(binding->handle(),
                       [&](CallScope& s) {
                         seen = s.request_id;
                         return MVNE_OK;
                       }),
            MVNE_OK);
  EXPECT_EQ(seen, "second");
}

// Null and made-up handles are refused without touching memory.
TEST(ContextTable, ForgedHandlesAreRefused) {
  ContextTable table(2);
  EXPECT_EQ(touch(table, nullptr), MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(touch(table, reinterpret_cast<mvne_context*>(uintptr_t{0xdeadbeef})),
            MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(touch(table, reinterpret_cast<mvne_context*>(uintptr_t{1} << 20)),
            MVNE_ERR_STALE_CONTEXT);
}

// When every slot is taken, binding fails instead of sharing a slot.
TEST(ContextTable, FullTableRefusesToBind) {
  ContextTable table(1);
  CallScope a{Phase::kRequest, nullptr, "a"};
  auto held = table.bind(&a);
  ASSERT_TRUE(held);
  EXPECT_FALSE(table.bind(&a));
}

}  // namespace
}  // namespace mvne::plugin
