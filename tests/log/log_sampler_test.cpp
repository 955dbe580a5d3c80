// Log sampling: the first event of each key, then one per interval saying how many were not
// logged.
#include "core/log/log_sampler.h"

#include <gtest/gtest.h>

namespace mvne::log {
namespace {

constexpr int64_t kSecond = 1000000;

// First logged; within the interval counted only; the next logged says how many were not.
TEST(LogSampler, LogsTheFirstThenOnePerIntervalWithTheCountLeftOut) {
  LogSampler sampler(10 * kSecond);
  EXPECT_EQ(sampler.admit("unknown_client", 0), 0);
  for (int i = 1; i <= 299; ++i) EXPECT_FALSE(sampler.admit("unknown_client", i * 1000));
  EXPECT_EQ(sampler.admit("malformed", 5 * kSecond), 0) << "reasons are sampled apart";
  EXPECT_EQ(sampler.admit("unknown_client", 10 * kSecond), 299);
  EXPECT_FALSE(sampler.admit("unknown_client", 11 * kSecond));
  EXPECT_EQ(sampler.admit("unknown_client", 30 * kSecond), 1);
}

// With a burst, that many in a window, then counted; the window is the key's own.
TEST(LogSampler, ABurstPerWindowThenTheCountLeftOut) {
  LogSampler sampler(10 * kSecond, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sampler.admit("storage", i), 0);
  for (int i = 3; i < 100; ++i) EXPECT_FALSE(sampler.admit("storage", i));
  EXPECT_EQ(sampler.admit("http", 50), 0) << "another key has its own window";
  EXPECT_FALSE(sampler.admit("storage", 10 * kSecond - 1));
  EXPECT_EQ(sampler.admit("storage", 10 * kSecond), 98) << "the first of the next window says";
  EXPECT_EQ(sampler.admit("storage", 10 * kSecond + 1), 0);
  sampler.set_burst(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sampler.admit("storage", 10 * kSecond + 2), 0);
}

// Past max_keys, further keys share one sample.
TEST(LogSampler, BoundsItsKeys) {
  LogSampler sampler(10 * kSecond, 1, 2);
  EXPECT_TRUE(sampler.admit("a", 0));
  EXPECT_TRUE(sampler.admit("b", 0));
  EXPECT_TRUE(sampler.admit("c", 0));
  EXPECT_FALSE(sampler.admit("d", 0));
}

}  // namespace
}  // namespace mvne::log
