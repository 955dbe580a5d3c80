#include "core/plugin/context_table.h"

#include <gtest/gtest.h>

#include <thread>

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

// A live handle is refused, and counted as used from another thread, on any thread but
// the one that bound it.
TEST(ContextTable, HandleBelongsToTheBindingThread) {
  ContextTable table(2);
  CallScope scope{Phase::kRequest, nullptr, "r"};
  auto binding = table.bind(&scope);
  ASSERT_TRUE(binding);
  mvne_status elsewhere = MVNE_OK;
  std::thread([&] { elsewhere = touch(table, binding->handle()); }).join();
  EXPECT_EQ(elsewhere, MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(table.other_thread_uses(), 1u);
  EXPECT_EQ(touch(table, binding->handle()), MVNE_OK);
}

// The shared handle works on other threads until the binding ends; only the binding
// thread can share, and a shared bit set by hand on a handle never shared is refused.
TEST(ContextTable, SharedHandleWorksAnywhereUntilTheBindingEnds) {
  ContextTable table(2);
  CallScope scope{Phase::kRequest, nullptr, "r"};
  mvne_context* shared = nullptr;
  {
    auto binding = table.bind(&scope);
    ASSERT_TRUE(binding);
    auto forged = reinterpret_cast<mvne_context*>(reinterpret_cast<uintptr_t>(binding->handle()) |
                                                  (uintptr_t{1} << 20));
    mvne_status forged_use = MVNE_OK, foreign_share = MVNE_OK;
    std::thread([&] {
      forged_use = touch(table, forged);
      mvne_context* out = nullptr;
      foreign_share = table.share(binding->handle(), &out);
    }).join();
    EXPECT_EQ(forged_use, MVNE_ERR_STALE_CONTEXT);
    EXPECT_EQ(foreign_share, MVNE_ERR_STALE_CONTEXT);
    ASSERT_EQ(table.share(binding->handle(), &shared), MVNE_OK);
    EXPECT_EQ(shared, forged);
    mvne_status from_helper = MVNE_ERR_INTERNAL;
    std::thread([&] { from_helper = touch(table, shared); }).join();
    EXPECT_EQ(from_helper, MVNE_OK);
  }
  mvne_status after = MVNE_OK;
  std::thread([&] { after = touch(table, shared); }).join();
  EXPECT_EQ(after, MVNE_ERR_STALE_CONTEXT);
  EXPECT_EQ(touch(table, shared), MVNE_ERR_STALE_CONTEXT);
}

// The next callback in the same slot starts unshared: an old shared handle stays dead.
TEST(ContextTable, ReusedSlotStartsUnshared) {
  ContextTable table(1);
  CallScope first{Phase::kRequest, nullptr, "first"};
  CallScope second{Phase::kRequest, nullptr, "second"};
  mvne_context* shared = nullptr;
  {
    auto binding = table.bind(&first);
    ASSERT_EQ(table.share(binding->handle(), &shared), MVNE_OK);
  }
  auto binding = table.bind(&second);
  mvne_status use = MVNE_OK;
  std::thread([&] { use = touch(table, shared); }).join();
  EXPECT_EQ(use, MVNE_ERR_STALE_CONTEXT);
}

}  // namespace
}  // namespace mvne::plugin
