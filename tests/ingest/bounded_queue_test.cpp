// The queue in front of the group commit: bounded, batch-taking, and drained on close.
#include "core/ingest/bounded_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace mvne::ingest {
namespace {

// A push past the capacity is refused and leaves the item with the caller.
TEST(BoundedQueue, PushPastCapacityIsRefused) {
  BoundedQueue<std::string> queue(2);
  std::string a = "a", b = "b", c = "c";
  EXPECT_TRUE(queue.push(a));
  EXPECT_TRUE(queue.push(b));
  EXPECT_FALSE(queue.push(c));
  EXPECT_EQ(c, "c") << "a refused item is not moved from";
  EXPECT_EQ(queue.take(1), std::vector<std::string>{"a"});
  EXPECT_TRUE(queue.push(c)) << "room again once taken";
  EXPECT_EQ(queue.take(10), (std::vector<std::string>{"b", "c"}));
}

// Close wakes a waiting consumer, hands out what is left, then empty batches; pushes fail.
TEST(BoundedQueue, CloseDrainsThenEnds) {
  BoundedQueue<int> queue(4);
  int one = 1;
  ASSERT_TRUE(queue.push(one));
  queue.close();
  int two = 2;
  EXPECT_FALSE(queue.push(two));
  EXPECT_EQ(queue.take(8), std::vector<int>{1});
  EXPECT_TRUE(queue.take(8).empty());

  BoundedQueue<int> idle(1);
  std::thread consumer([&] { EXPECT_TRUE(idle.take(1).empty()); });
  idle.close();
  consumer.join();
}

}  // namespace
}  // namespace mvne::ingest
