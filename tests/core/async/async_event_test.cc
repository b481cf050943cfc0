#include "core/async/async_event.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

Task<void> WaitThenLog(EventLoop* loop, AsyncEvent* event, std::string name,
                       std::vector<std::string>* log) {
  co_await event->Wait();
  log->push_back(name + "@" + std::to_string(loop->NowMicros()));
}

Task<void> SetAt(EventLoop* loop, AsyncEvent* event, Micros at, std::vector<std::string>* log) {
  co_await loop->SleepUntil(at);
  event->Set();
  log->push_back("set@" + std::to_string(loop->NowMicros()));  // before any waiter runs
}

TEST(AsyncEventTest, SetRequeuesWaitersInFifoOrderThroughTheLoop) {
  EventLoop loop;
  AsyncEvent event(&loop);
  std::vector<std::string> log;
  for (std::string name : {"first", "second", "third"}) {
    loop.Spawn(WaitThenLog(&loop, &event, name, &log), name);
  }
  loop.Spawn(SetAt(&loop, &event, 100, &log), "set");
  loop.RunUntil(50);
  EXPECT_EQ(event.waiters(), 3u);
  loop.Run();
  EXPECT_THAT(log, ElementsAre("set@100", "first@100", "second@100", "third@100"));
  EXPECT_TRUE(event.is_set());
}

TEST(AsyncEventTest, WaitOnASetEventCompletesAtOnce) {
  EventLoop loop;
  AsyncEvent event(&loop);
  event.Set();
  event.Set();  // idempotent
  std::vector<std::string> log;
  loop.Spawn(WaitThenLog(&loop, &event, "late", &log), "late");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("late@0"));
  EXPECT_EQ(loop.events_run(), 1u);  // only the spawn: no extra resumption
}

Task<void> GetShared(EventLoop* loop, SharedResult<std::string>* result, std::string name,
                     std::vector<std::string>* log) {
  auto value = co_await result->Wait();
  log->push_back(name + "=" + value + "@" + std::to_string(loop->NowMicros()));
}

TEST(AsyncEventTest, SharedResultGivesEveryWaiterTheValue) {
  EventLoop loop;
  SharedResult<std::string> result(&loop);
  std::vector<std::string> log;
  loop.Spawn(GetShared(&loop, &result, "a", &log), "a");
  loop.Spawn(GetShared(&loop, &result, "b", &log), "b");
  loop.RunUntil(10);
  EXPECT_EQ(result.waiters(), 2u);
  result.Set("config");
  EXPECT_TRUE(log.empty());  // never inline
  loop.Spawn(GetShared(&loop, &result, "c", &log), "c");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("a=config@10", "b=config@10", "c=config@10"));
}

TEST(AsyncEventTest, DestroyedWaitersLeaveTheQueueAndCancelTheirResumption) {
  auto loop = std::make_unique<EventLoop>();
  AsyncEvent never(loop.get());
  AsyncEvent set(loop.get());
  std::vector<std::string> log;
  loop->Spawn(WaitThenLog(loop.get(), &never, "queued", &log), "queued");
  loop->Spawn(WaitThenLog(loop.get(), &set, "scheduled", &log), "scheduled");
  loop->RunUntil(0);
  EXPECT_EQ(never.waiters(), 1u);
  set.Set();  // re-queued; destroying the loop destroys its frame before it runs
  loop.reset();
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(never.waiters(), 0u);
}

TEST(AsyncEventTest, DestroyingTheEventOrphansItsWaiters) {
  EventLoop loop;
  auto event = std::make_unique<AsyncEvent>(&loop);
  std::vector<std::string> log;
  loop.Spawn(WaitThenLog(&loop, event.get(), "orphan", &log), "orphan");
  loop.Run();
  event.reset();
  loop.Run();
  EXPECT_TRUE(log.empty());
  EXPECT_THAT(loop.UnfinishedRoots(), ElementsAre("orphan"));
}

}  // namespace
}  // namespace agentsim
