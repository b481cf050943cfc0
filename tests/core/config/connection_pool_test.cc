#include "core/config/connection_pool.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

constexpr Micros kTimeout = 5 * kMicrosPerSecond;

// Starts at `start`, acquires, logs "<name>@<time> c<connection>" (or the error), holds the
// connection for `hold`, then releases it (as the frame ends).
Task<void> Hold(EventLoop* loop, ConnectionPool* pool, Micros start, Micros hold, std::string name,
                std::vector<std::string>* log) {
  co_await loop->SleepUntil(start);
  auto lease = co_await pool->Acquire();
  if (!lease) {
    log->push_back(name + "@" + std::to_string(loop->NowMicros()) + " " + lease.error().ToString());
    co_return;
  }
  log->push_back(name + "@" + std::to_string(loop->NowMicros()) + " c" +
                 std::to_string(lease->connection()));
  co_await loop->Sleep(hold);
}

TEST(ConnectionPoolTest, HandsOutFreeConnectionsAtOnceAndOpensThemLazily) {
  EventLoop loop;
  ConnectionPool pool(&loop, 2, kTimeout);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, 100, "a", &log), "a");
  loop.Spawn(Hold(&loop, &pool, 0, 100, "b", &log), "b");
  loop.Spawn(Hold(&loop, &pool, 0, 100, "c", &log), "c");
  EXPECT_EQ(pool.opened(), 0u);
  loop.RunUntil(0);
  EXPECT_EQ(pool.opened(), 2u);
  EXPECT_EQ(pool.in_use(), 2u);
  EXPECT_EQ(pool.waiting(), 1u);
  loop.Run();
  // a releases first at 100 and its connection goes straight to c.
  EXPECT_THAT(log, ElementsAre("a@0 c0", "b@0 c1", "c@100 c0"));
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.stats().acquisitions, 3u);
  EXPECT_EQ(pool.stats().waits, 1u);
  EXPECT_EQ(pool.stats().wait_time_us, 100);
  EXPECT_EQ(pool.stats().max_wait_us, 100);
}

TEST(ConnectionPoolTest, ServesWaitersInFifoOrderOfArrival) {
  EventLoop loop;
  ConnectionPool pool(&loop, 1, kTimeout);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, 100, "holder", &log), "holder");
  // Spawned in another order than they arrive: service follows arrival.
  loop.Spawn(Hold(&loop, &pool, 30, 100, "c", &log), "c");
  loop.Spawn(Hold(&loop, &pool, 10, 100, "a", &log), "a");
  loop.Spawn(Hold(&loop, &pool, 20, 100, "b", &log), "b");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("holder@0 c0", "a@100 c0", "b@200 c0", "c@300 c0"));
  const ConnectionPool::Stats& s = pool.stats();
  EXPECT_EQ(s.acquisitions, 4u);
  EXPECT_EQ(s.waits, 3u);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.wait_time_us, 90 + 180 + 270);
  EXPECT_EQ(s.max_wait_us, 270);
  EXPECT_EQ(loop.NowMicros(), 400);  // no timeout timer left behind
}

struct TimeoutCase {
  const char* name;
  Micros holder_holds_us;
  const char* waiter_log;
};

class ConnectionPoolTimeoutTest : public ::testing::TestWithParam<TimeoutCase> {};

TEST_P(ConnectionPoolTimeoutTest, TimesOutAtExactlyAcquireTimeout) {
  const TimeoutCase& c = GetParam();
  EventLoop loop;
  ConnectionPool pool(&loop, 1, kTimeout);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, c.holder_holds_us, "holder", &log), "holder");
  loop.Spawn(Hold(&loop, &pool, 0, 1, "waiter", &log), "waiter");
  loop.Run();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1], c.waiter_log);
}

INSTANTIATE_TEST_SUITE_P(
    Boundary, ConnectionPoolTimeoutTest,
    ::testing::Values(
        TimeoutCase{"ReleasedJustBefore", kTimeout - 1, "waiter@4999999 c0"},
        // Both at 5 s: the holder's wake-up was queued before the waiter's timer, so the
        // release runs first and serves the waiter.
        TimeoutCase{"ReleasedAtTheDeadlineQueuedEarlier", kTimeout, "waiter@5000000 c0"},
        TimeoutCase{"ReleasedJustAfter", kTimeout + 1,
                    "waiter@5000000 DEADLINE_EXCEEDED: connection pool: no connection within "
                    "5000 ms (1 in use, 1 waiting)"}),
    [](const ::testing::TestParamInfo<TimeoutCase>& param_info) { return param_info.param.name; });

TEST(ConnectionPoolTest, TimeoutMessageCountsInUseAndWaiting) {
  EventLoop loop;
  ConnectionPool pool(&loop, 2, 2500);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, 10000, "h1", &log), "h1");
  loop.Spawn(Hold(&loop, &pool, 0, 10000, "h2", &log), "h2");
  for (std::string name : {"w1", "w2", "w3"}) {
    loop.Spawn(Hold(&loop, &pool, 0, 1, name, &log), name);
  }
  loop.Run();
  const std::string prefix = "DEADLINE_EXCEEDED: connection pool: no connection within 2.5 ms ";
  EXPECT_THAT(log, ElementsAre("h1@0 c0", "h2@0 c1", "w1@2500 " + prefix + "(2 in use, 3 waiting)",
                               "w2@2500 " + prefix + "(2 in use, 2 waiting)",
                               "w3@2500 " + prefix + "(2 in use, 1 waiting)"));
  const ConnectionPool::Stats& s = pool.stats();
  EXPECT_EQ(s.acquisitions, 2u);
  EXPECT_EQ(s.waits, 3u);
  EXPECT_EQ(s.timeouts, 3u);
  EXPECT_EQ(s.wait_time_us, 3 * 2500);
  EXPECT_EQ(s.max_wait_us, 2500);
}

TEST(ConnectionPoolTest, ServedWaiterHasItsTimerCancelled) {
  EventLoop loop;
  ConnectionPool pool(&loop, 1, kTimeout);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, 100, "holder", &log), "holder");
  loop.Spawn(Hold(&loop, &pool, 0, 50, "waiter", &log), "waiter");
  loop.RunUntil(100);
  EXPECT_THAT(log, ElementsAre("holder@0 c0", "waiter@100 c0"));
  // Only the waiter's sleep is queued: its timeout (at 5 s) was cancelled when it was served.
  EXPECT_EQ(loop.pending_events(), 1u);
  loop.Run();
  EXPECT_EQ(loop.NowMicros(), 150);  // a live timer would have moved the clock to 5 s
  EXPECT_EQ(pool.stats().timeouts, 0u);
  EXPECT_EQ(loop.live_roots(), 0u);
}

TEST(ConnectionPoolTest, WaitersDestroyedWithTheLoopLeaveThePool) {
  auto loop = std::make_unique<EventLoop>();
  ConnectionPool pool(loop.get(), 1, kTimeout);
  std::vector<std::string> log;
  loop->Spawn(Hold(loop.get(), &pool, 0, kMicrosPerSecond, "holder", &log), "holder");
  loop->Spawn(Hold(loop.get(), &pool, 0, 1, "queued", &log), "queued");
  loop->RunUntil(10);
  EXPECT_EQ(pool.in_use(), 1u);
  EXPECT_EQ(pool.waiting(), 1u);
  // Destroying the holder hands its connection to the queued waiter; destroying that waiter
  // gives it back.
  loop.reset();
  EXPECT_EQ(pool.waiting(), 0u);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(ConnectionPoolTest, LeaseReleasesOnceWhenMoved) {
  EventLoop loop;
  ConnectionPool pool(&loop, 1, kTimeout);
  ConnectionPool::Lease kept;
  loop.Spawn(
      [](ConnectionPool* p, ConnectionPool::Lease* out) -> Task<void> {
        auto lease = co_await p->Acquire();
        *out = std::move(*lease);
      }(&pool, &kept),
      "acquire");
  loop.Run();
  ASSERT_TRUE(kept.valid());
  EXPECT_EQ(pool.in_use(), 1u);
  ConnectionPool::Lease moved = std::move(kept);
  EXPECT_FALSE(kept.valid());
  EXPECT_EQ(pool.in_use(), 1u);
  moved.Release();
  EXPECT_FALSE(moved.valid());
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(ConnectionPoolTest, ZeroSizedPoolAlwaysTimesOut) {
  EventLoop loop;
  ConnectionPool pool(&loop, 0, 1000);
  std::vector<std::string> log;
  loop.Spawn(Hold(&loop, &pool, 0, 1, "w", &log), "w");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("w@1000 DEADLINE_EXCEEDED: connection pool: no connection within "
                               "1 ms (0 in use, 1 waiting)"));
}

}  // namespace
}  // namespace agentsim
