// History is per session: interleaved sessions of the same agent and user never see each
// other's messages, and a session started after another ended starts empty.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/agent/agent.h"
#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "tests/core/agent/agent_world.h"
#include "tests/core/agent/fixed_clients.h"

namespace session_isolation_test {
namespace {

using namespace agentsim;  // NOLINT: test file

constexpr const char* kValid =
    R"({"system_response":"Go on.","voice_instructions":"Warm.",)"
    R"("internal_assessment":"ok","credibility_score":50,)"
    R"("interview_stage":"introduction","sentiment":"neutral"})";

// Records every request's user message and the history it carried; answers after 10 ms.
class RecordingLlm : public LlmClient {
 public:
  explicit RecordingLlm(EventLoop* loop) : loop_(loop) {}
  Task<Result<LlmResponse>> Complete(LlmRequest request) override {
    std::string seen = std::string(request.user_text) + " <-";
    for (const ChatMessage& m : request.history) seen += " " + m.content;
    seen_.push_back(std::move(seen));
    co_await loop_->Sleep(10'000);
    LlmResponse r;
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    r.text = kValid;
    co_return r;
  }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  EventLoop* loop_;
  std::vector<std::string> seen_;
};

Task<void> Converse(SessionManager* sessions, Room* room, EventLoop* loop, Micros start_at_us,
                    std::vector<std::string> turns) {
  co_await loop->SleepUntil(start_at_us);
  auto id = co_await sessions->CreateSession("interview-strict-v1", "user-1", "acme-hr", room);
  if (!id) throw std::runtime_error(id.error().ToString());
  Agent* agent = sessions->Find(*id);
  for (std::string& text : turns) {
    (void)co_await agent->HandleTurn(std::move(text), loop->NowMicros());
    co_await loop->Sleep(1'000);
  }
  (void)sessions->EndSession(*id);
}

TEST(SessionIsolationTest, NoSessionSeesAnotherSessionsHistory) {
  agent_test_clients::AgentWorld world;
  EventLoop& loop = world.loop;
  RoomMonitor& monitor = world.monitor;
  RecordingLlm llm(&loop);
  agent_test_clients::FixedTts tts(&loop);
  agent_test_clients::FixedClientFactory clients(&llm, &tts);
  SessionManager sessions(AgentServices{&loop, &world.configs, &clients, nullptr}, Rng(2),
                          Logger(MakeNullLogger(), &loop));
  ASSERT_TRUE(world.store.Seed(agent_test_clients::InterviewStrictRecord()).has_value());
  auto hidden = std::make_shared<std::set<std::string, std::less<>>>();
  MockRoom room_a(&monitor, 1, hidden);
  MockRoom room_b(&monitor, 2, hidden);
  MockRoom room_c(&monitor, 3, hidden);
  // A and B overlap (same user, same agent); C starts after both ended.
  loop.Spawn(Converse(&sessions, &room_a, &loop, 0, {"a1", "a2", "a3"}), "a");
  loop.Spawn(Converse(&sessions, &room_b, &loop, 30'000, {"b1", "b2"}), "b");
  loop.Spawn(Converse(&sessions, &room_c, &loop, 10'000'000, {"c1"}), "c");
  loop.Run();
  ASSERT_TRUE(loop.failures().empty());
  EXPECT_EQ(loop.live_roots(), 0u);
  EXPECT_EQ(sessions.active_session_count(), 0u);
  // Each request: its user message, then the history it carried (user, reply, ...).
  EXPECT_EQ(llm.seen(), (std::vector<std::string>{
                            "a1 <-",                      // 4 ms
                            "b1 <-",                      // 30 ms: A's turn is in flight
                            "a2 <- a1 Go on.",            // after A's first turn (65 ms)
                            "b2 <- b1 Go on.",
                            "a3 <- a1 Go on. a2 Go on.",
                            "c1 <-",                      // 10 s: A and B have ended
                        }));
}

}  // namespace
}  // namespace session_isolation_test
