#include "core/resilience/call_with_timeout.h"

#include <optional>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

Task<int> Answer(EventLoop* loop, Micros after_us, bool* finished) {
  if (after_us >= 0) co_await loop->Sleep(after_us);
  *finished = true;
  co_return 7;
}

Task<int> Throw(EventLoop* loop) {
  co_await loop->Sleep(10);
  throw std::runtime_error("bug");
}

struct Outcome {
  std::optional<int> value;
  Micros resumed_at_us = -1;
  int resumptions = 0;
  bool call_finished = false;
};

Task<void> Race(EventLoop* loop, Micros call_us, Micros timeout_at_us, Outcome* out) {
  Task<int> call = Answer(loop, call_us, &out->call_finished);
  out->value = co_await CallWithTimeout(loop, std::move(call), timeout_at_us);
  out->resumed_at_us = loop->NowMicros();
  ++out->resumptions;
}

struct RaceCase {
  const char* name;
  Micros call_us;  // -1: completes without suspending
  Micros timeout_at_us;
  bool completed;
  Micros resumed_at_us;
};
void PrintTo(const RaceCase& c, std::ostream* os) { *os << c.name; }

class CallWithTimeoutTest : public ::testing::TestWithParam<RaceCase> {};

TEST_P(CallWithTimeoutTest, ResumesOnceAtTheFirstOfCallAndTimer) {
  const RaceCase& c = GetParam();
  EventLoop loop;
  Outcome out;
  loop.Spawn(Race(&loop, c.call_us, c.timeout_at_us, &out), "race");
  loop.Run();
  EXPECT_EQ(out.value.has_value(), c.completed);
  if (c.completed) {
    EXPECT_EQ(*out.value, 7);
  }
  EXPECT_EQ(out.resumed_at_us, c.resumed_at_us);
  EXPECT_EQ(out.resumptions, 1);
  EXPECT_TRUE(out.call_finished);  // a timed-out call still runs to its end, detached
  EXPECT_TRUE(loop.UnfinishedRoots().empty());
  EXPECT_EQ(loop.pending_events(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CallWithTimeoutTest,
    ::testing::Values(RaceCase{"call_first", 100, 500, true, 100},
                      RaceCase{"timer_first", 900, 500, false, 500},
                      // The timer was queued first, so at the same instant it wins.
                      RaceCase{"same_instant_timer_queued_first", 500, 500, false, 500},
                      RaceCase{"call_without_suspending", -1, 500, true, 0},
                      RaceCase{"timeout_already_past", 100, 0, false, 0}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

Task<void> RaceThrow(EventLoop* loop, bool* caught) {
  try {
    auto r = co_await CallWithTimeout(loop, Throw(loop), 1'000);
    (void)r;
  } catch (const std::runtime_error&) {
    *caught = true;
  }
}

TEST(CallWithTimeoutErrorsTest, RethrowsTheCallsException) {
  EventLoop loop;
  bool caught = false;
  loop.Spawn(RaceThrow(&loop, &caught), "race");
  loop.Run();
  EXPECT_TRUE(caught);
  EXPECT_TRUE(loop.failures().empty());
}

TEST(CallWithTimeoutErrorsTest, WaiterDestroyedWhileWaitingIsNeverResumed) {
  EventLoop loop;
  Outcome out;
  Task<void> task = Race(&loop, 300, 1'000, &out);
  auto handle = task.Release();
  handle.resume();  // starts the race; suspends waiting
  loop.RunUntil(100);
  handle.destroy();  // e.g. the session was closed
  loop.Run();
  EXPECT_TRUE(out.call_finished);
  EXPECT_EQ(out.resumptions, 0);
  EXPECT_EQ(loop.NowMicros(), 300);  // the cancelled timer did not run
}

}  // namespace
}  // namespace agentsim
