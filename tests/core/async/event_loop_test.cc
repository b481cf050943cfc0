#include "core/async/event_loop.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/when_all.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

Task<void> SleepThenLog(EventLoop* loop, Micros delay, std::string name,
                        std::vector<std::string>* log) {
  co_await loop->Sleep(delay);
  log->push_back(name + "@" + std::to_string(loop->NowMicros()));
}

TEST(EventLoopTest, RunsEventsInTimeOrder) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(SleepThenLog(&loop, 300, "c", &log), "c");
  loop.Spawn(SleepThenLog(&loop, 100, "a", &log), "a");
  loop.Spawn(SleepThenLog(&loop, 200, "b", &log), "b");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("a@100", "b@200", "c@300"));
  EXPECT_EQ(loop.NowMicros(), 300);
}

TEST(EventLoopTest, EqualTimesRunInSchedulingOrder) {
  EventLoop loop;
  std::vector<std::string> log;
  for (std::string name : {"first", "second", "third", "fourth"}) {
    loop.Spawn(SleepThenLog(&loop, 50, name, &log), name);
  }
  loop.Run();
  EXPECT_THAT(log, ElementsAre("first@50", "second@50", "third@50", "fourth@50"));
}

TEST(EventLoopTest, SleepZeroGoesThroughTheQueue) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(SleepThenLog(&loop, 0, "zero", &log), "zero");
  EXPECT_TRUE(log.empty());  // Spawn never runs inline
  EXPECT_EQ(loop.pending_events(), 1u);
  loop.Run();
  EXPECT_THAT(log, ElementsAre("zero@0"));
  EXPECT_EQ(loop.events_run(), 2u);  // start, then the zero sleep
}

TEST(EventLoopTest, RunUntilAdvancesClockWhenIdle) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(SleepThenLog(&loop, 1000, "late", &log), "late");
  loop.RunUntil(999);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(loop.NowMicros(), 999);
  loop.RunUntil(5000);
  EXPECT_THAT(log, ElementsAre("late@1000"));
  EXPECT_EQ(loop.NowMicros(), 5000);
}

Task<int> Add(EventLoop* loop, int a, int b) {
  co_await loop->Sleep(10);
  co_return a + b;
}

Task<void> Chain(EventLoop* loop, int* out) {
  int x = co_await Add(loop, 1, 2);
  int y = co_await Add(loop, x, 4);
  *out = y;
}

TEST(EventLoopTest, AwaitedTasksReturnValuesAndAccumulateTime) {
  EventLoop loop;
  int out = 0;
  loop.Spawn(Chain(&loop, &out), "chain");
  loop.Run();
  EXPECT_EQ(out, 7);
  EXPECT_EQ(loop.NowMicros(), 20);
  EXPECT_EQ(loop.live_roots(), 0u);
}

Task<void> Throws(EventLoop* loop) {
  co_await loop->Sleep(5);
  throw std::runtime_error("boom");
}

TEST(EventLoopTest, SpawnedRootRecordsItsException) {
  EventLoop loop;
  loop.Spawn(Throws(&loop), "thrower");
  loop.Run();
  ASSERT_EQ(loop.failures().size(), 1u);
  EXPECT_EQ(loop.failures()[0].name, "thrower");
  EXPECT_EQ(loop.failures()[0].what, "boom");
  EXPECT_EQ(loop.failures()[0].at_us, 5);
  EXPECT_EQ(loop.live_roots(), 0u);
}

struct Never {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

Task<void> WaitsForever() { co_await Never{}; }

TEST(EventLoopTest, ReportsRootsLeftUnfinishedWhenIdle) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(WaitsForever(), "stuck-1");
  loop.Spawn(SleepThenLog(&loop, 1, "ok", &log), "ok");
  loop.Spawn(WaitsForever(), "stuck-2");
  loop.Run();
  EXPECT_THAT(loop.UnfinishedRoots(), ElementsAre("stuck-1", "stuck-2"));
  EXPECT_EQ(loop.live_roots(), 2u);
}  // the loop destroys the stuck frames (ASan checks for leaks)

// Roots end in another order than they were spawned in (first, last, middle of the list): the
// unfinished ones stay listed in spawn order, a failure is named after its own root, and roots
// spawned later join the end of the list.
TEST(EventLoopTest, RootsEndingOutOfOrderKeepSpawnOrder) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(SleepThenLog(&loop, 3, "first", &log), "first");
  loop.Spawn(WaitsForever(), "stuck-1");
  loop.Spawn(SleepThenLog(&loop, 1, "middle", &log), "middle");
  loop.Spawn(Throws(&loop), "thrower");
  loop.Spawn(WaitsForever(), "stuck-2");
  loop.Spawn(SleepThenLog(&loop, 2, "last", &log), "last");
  EXPECT_EQ(loop.live_roots(), 6u);
  loop.Run();
  EXPECT_THAT(log, ElementsAre("middle@1", "last@2", "first@3"));
  ASSERT_EQ(loop.failures().size(), 1u);
  EXPECT_EQ(loop.failures()[0].name, "thrower");
  EXPECT_EQ(loop.failures()[0].at_us, 5);
  EXPECT_THAT(loop.UnfinishedRoots(), ElementsAre("stuck-1", "stuck-2"));
  loop.Spawn(WaitsForever(), "stuck-3");
  loop.Spawn(SleepThenLog(&loop, 1, "again", &log), "again");
  loop.Run();
  EXPECT_THAT(loop.UnfinishedRoots(), ElementsAre("stuck-1", "stuck-2", "stuck-3"));
  EXPECT_EQ(loop.live_roots(), 3u);
}

Task<int> Delayed(EventLoop* loop, Micros delay, int value) {
  co_await loop->Sleep(delay);
  co_return value;
}

Task<void> GatherThree(EventLoop* loop, std::vector<int>* out) {
  std::vector<Task<int>> tasks;
  tasks.push_back(Delayed(loop, 300, 1));
  tasks.push_back(Delayed(loop, 100, 2));
  tasks.push_back(Delayed(loop, 200, 3));
  *out = co_await WhenAll(std::move(tasks));
}

TEST(WhenAllTest, RunsConcurrentlyAndKeepsInputOrder) {
  EventLoop loop;
  std::vector<int> out;
  loop.Spawn(GatherThree(&loop, &out), "gather");
  loop.Run();
  EXPECT_THAT(out, ElementsAre(1, 2, 3));
  EXPECT_EQ(loop.NowMicros(), 300);  // concurrent: the longest, not the sum
}

Task<int> Immediate(int v) { co_return v; }

Task<void> GatherImmediate(std::vector<int>* out) {
  std::vector<Task<int>> tasks;
  tasks.push_back(Immediate(4));
  tasks.push_back(Immediate(5));
  *out = co_await WhenAll(std::move(tasks));
  std::vector<Task<int>> none;
  auto empty = co_await WhenAll(std::move(none));
  out->push_back(static_cast<int>(empty.size()));
}

TEST(WhenAllTest, HandlesTasksThatFinishWithoutSuspendingAndEmptyInput) {
  EventLoop loop;
  std::vector<int> out;
  loop.Spawn(GatherImmediate(&out), "immediate");
  loop.Run();
  EXPECT_THAT(out, ElementsAre(4, 5, 0));
}

Task<void> GatherWithFailure(EventLoop* loop, std::vector<std::string>* log) {
  std::vector<Task<void>> tasks;
  tasks.push_back(SleepThenLog(loop, 10, "a", log));
  tasks.push_back(Throws(loop));
  tasks.push_back(SleepThenLog(loop, 20, "b", log));
  try {
    co_await WhenAll(std::move(tasks));
  } catch (const std::runtime_error& e) {
    log->push_back(std::string("caught ") + e.what() + "@" + std::to_string(loop->NowMicros()));
  }
}

TEST(WhenAllTest, RethrowsFirstFailureAfterAllFinish) {
  EventLoop loop;
  std::vector<std::string> log;
  loop.Spawn(GatherWithFailure(&loop, &log), "gather");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("a@10", "b@20", "caught boom@20"));
  EXPECT_TRUE(loop.failures().empty());
}

Task<void> DeepChain(EventLoop* loop, int depth, int* count) {
  if (depth == 0) {
    co_await loop->Sleep(1);
    co_return;
  }
  ++*count;
  co_await DeepChain(loop, depth - 1, count);
}

TEST(EventLoopTest, DeepAwaitChainsComplete) {
  EventLoop loop;
  int count = 0;
  loop.Spawn(DeepChain(&loop, 2000, &count), "deep");
  loop.Run();
  EXPECT_EQ(count, 2000);
  EXPECT_EQ(loop.live_roots(), 0u);
}

}  // namespace
}  // namespace agentsim
