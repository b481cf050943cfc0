// Barge-in: Agent::Interrupt during a turn; nothing from the turn reaches the room afterwards.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/agent/agent.h"
#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "tests/core/agent/agent_world.h"
#include "tests/core/agent/fixed_clients.h"

namespace agent_interrupt_test {
namespace {

using namespace agentsim;  // NOLINT: test file
using SlowTts = agent_test_clients::FixedTts;
using Factory = agent_test_clients::FixedClientFactory;

// LLM: 100 ms; TTS: 50 ms to the first byte.
class SlowLlm : public LlmClient {
 public:
  explicit SlowLlm(EventLoop* loop) : loop_(loop) {}
  Task<Result<LlmResponse>> Complete(LlmRequest) override {
    co_await loop_->Sleep(100'000);
    LlmResponse r;
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    r.text = agent_test_clients::kInterviewAnswer;
    r.output_tokens = 1;
    co_return r;
  }

 private:
  EventLoop* loop_;
};

struct InterruptCase {
  std::string name;
  Micros interrupt_after_us;  // after the turn starts; < 0: never
  std::size_t data_messages;
  std::uint64_t audio_segments;
  bool interrupted;
  std::string reason;
  std::size_t history;
};

void PrintTo(const InterruptCase& c, std::ostream* os) { *os << c.name; }

class AgentInterruptTest : public ::testing::TestWithParam<InterruptCase> {};

struct Shared {
  Agent* agent = nullptr;
  TurnRecord record;
  std::size_t history = 0;
};

Task<void> Drive(SessionManager* sessions, Room* room, EventLoop* loop, Shared* shared) {
  auto id = co_await sessions->CreateSession("interview-strict-v1", "user-1", "acme-hr", room);
  if (!id) throw std::runtime_error(id.error().ToString());
  shared->agent = sessions->Find(*id);
  shared->record = co_await shared->agent->HandleTurn("Hello, I'm Ana.", loop->NowMicros());
  shared->history = shared->agent->history().size();
}

Task<void> BargeIn(EventLoop* loop, Shared* shared, Micros at_us) {
  co_await loop->SleepUntil(at_us);
  if (shared->agent != nullptr) shared->agent->Interrupt();
}

TEST_P(AgentInterruptTest, NothingReachesTheRoomAfterTheInterruption) {
  const InterruptCase& c = GetParam();
  agent_test_clients::AgentWorld world;
  EventLoop& loop = world.loop;
  RoomMonitor& monitor = world.monitor;
  SlowLlm llm(&loop);
  SlowTts tts(&loop);
  Factory clients(&llm, &tts);
  SessionManager sessions(AgentServices{&loop, &world.configs, &clients, nullptr}, Rng(2),
                          Logger(MakeNullLogger(), &loop));
  ASSERT_TRUE(world.store.Seed(agent_test_clients::InterviewStrictRecord()).has_value());
  MockRoom room(&monitor, 1, std::make_shared<std::set<std::string, std::less<>>>());
  Shared shared;
  loop.Spawn(Drive(&sessions, &room, &loop, &shared), "drive");
  // The turn starts at 4 ms (after the session's config load).
  if (c.interrupt_after_us >= 0) {
    loop.Spawn(BargeIn(&loop, &shared, 4'000 + c.interrupt_after_us), "barge_in");
  }
  loop.Run();
  ASSERT_TRUE(loop.failures().empty());
  EXPECT_EQ(loop.live_roots(), 0u);
  EXPECT_EQ(monitor.messages().size(), c.data_messages);
  EXPECT_EQ(monitor.stats().audio_segments, c.audio_segments);
  EXPECT_EQ(shared.record.interrupted, c.interrupted);
  EXPECT_EQ(shared.record.reason, c.reason);
  EXPECT_EQ(shared.history, c.history);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AgentInterruptTest,
    ::testing::Values(
        InterruptCase{"never", -1, 1, 1, false, "ok", 2},
        // During the LLM call (0..100 ms): no data, no audio.
        InterruptCase{"during_llm", 50'000, 0, 0, true, "interrupted", 0},
        // During TTS (100..150 ms): the data went out before, the audio does not.
        InterruptCase{"during_tts", 120'000, 1, 0, true, "interrupted", 0},
        // After the turn: a no-op.
        InterruptCase{"after_turn", 500'000, 1, 1, false, "ok", 2}),
    [](const ::testing::TestParamInfo<InterruptCase>& p) { return p.param.name; });

}  // namespace
}  // namespace agent_interrupt_test
