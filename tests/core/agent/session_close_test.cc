// Closing a session while its turn is in flight (SessionManager::EndSession, Agent::Close):
// the turn is cancelled, nothing is published afterwards, no further backend call starts, the
// quota slot is returned at once and the agent is freed when the turn returns; no task is left.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/agent/agent.h"
#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "core/tenancy/tenant_quota_manager.h"
#include "tests/core/agent/agent_world.h"
#include "tests/core/agent/fixed_clients.h"

namespace session_close_test {
namespace {

using namespace agentsim;  // NOLINT: test file
using Factory = agent_test_clients::FixedClientFactory;

// Each call takes 100 ms. The first `failures` calls answer 429 with a Retry-After of 500 ms.
class CountingLlm : public LlmClient {
 public:
  CountingLlm(EventLoop* loop, int failures) : loop_(loop), failures_(failures) {}
  Task<Result<LlmResponse>> Complete(LlmRequest) override {
    ++calls_;
    last_call_at_us_ = loop_->NowMicros();
    co_await loop_->Sleep(100'000);
    if (calls_ <= failures_) {
      Error limited{ErrorCode::kResourceExhausted, "429 Too Many Requests"};
      limited.retry_after_us = 500'000;
      co_return std::unexpected(limited);
    }
    LlmResponse r;
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    r.text = agent_test_clients::kInterviewAnswer;
    r.output_tokens = 1;
    co_return r;
  }
  int calls() const { return calls_; }
  Micros last_call_at_us() const { return last_call_at_us_; }

 private:
  EventLoop* loop_;
  int failures_;
  int calls_ = 0;
  Micros last_call_at_us_ = -1;
};

// What the driving coroutine saw.
struct Seen {
  std::uint64_t session_id = 0;
  TurnRecord record;
  bool returned = false;
};

Task<void> Drive(SessionManager* sessions, Room* room, EventLoop* loop, Seen* seen) {
  auto id = co_await sessions->CreateSession("interview-strict-v1", "user-1", "acme-hr", room);
  if (!id) throw std::runtime_error(id.error().ToString());
  seen->session_id = *id;
  Agent* agent = sessions->Find(*id);
  seen->record = co_await agent->HandleTurn("Hello, I'm Ana.", loop->NowMicros());
  seen->returned = true;
  // The agent may be gone now (closed during the turn): only the manager is asked.
  if (sessions->Find(*id) != nullptr) (void)sessions->EndSession(*id);
}

// What the manager looked like just after EndSession.
struct AtClose {
  bool ended = false;
  std::size_t active = 0;
  std::size_t closing = 0;
  std::int64_t sessions_in_use = 0;
  std::size_t data_messages = 0;  // published up to the close
  std::uint64_t audio_segments = 0;
};

Task<void> CloseAt(EventLoop* loop, SessionManager* sessions, TenantQuotaManager* quotas,
                   const RoomMonitor* monitor, Seen* seen, Micros at_us, AtClose* out) {
  co_await loop->SleepUntil(at_us);
  out->data_messages = monitor->messages().size();
  out->audio_segments = monitor->stats().audio_segments;
  out->ended = sessions->EndSession(seen->session_id).has_value();
  out->active = sessions->active_session_count();
  out->closing = sessions->closing_session_count();
  out->sessions_in_use = quotas->Usage("acme-hr", QuotaResource::kSessions);
}

struct CloseCase {
  std::string name;
  int llm_failures;     // 429s before the LLM answers
  Micros close_at_us;   // virtual time of EndSession; the turn starts at 4 ms
  // Expected:
  bool ended;           // EndSession succeeded (false: the session had already ended)
  std::size_t closing;  // agents still winding down right after EndSession
  std::size_t data_messages;
  std::uint64_t audio_segments;
  std::string reason;
  bool interrupted;
  int llm_calls;
  std::size_t llm_attempts;
  Micros turn_returned_at_us;  // turn_total_us + 4 ms
};

void PrintTo(const CloseCase& c, std::ostream* os) { *os << c.name; }

class SessionCloseTest : public ::testing::TestWithParam<CloseCase> {};

TEST_P(SessionCloseTest, CancelsTheTurnPublishesNothingAndReleasesEverything) {
  const CloseCase& c = GetParam();
  agent_test_clients::AgentWorld world;
  EventLoop& loop = world.loop;
  RoomMonitor& monitor = world.monitor;
  CountingLlm llm(&loop, c.llm_failures);
  agent_test_clients::FixedTts tts(&loop);  // first byte 50 ms after the request
  Factory clients(&llm, &tts);
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  ASSERT_TRUE(quotas.SetTier("acme-hr", "pro").has_value());
  SessionManager sessions(AgentServices{&loop, &world.configs, &clients, &quotas}, Rng(2),
                          Logger(MakeNullLogger(), &loop));
  ConfigRecord record = agent_test_clients::InterviewStrictRecord();
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(record.json_text, nullptr, true,
                                                              /*ignore_comments=*/true);
  doc["llm_config"]["retry"] = {{"max_attempts", 3}, {"base_delay_ms", 100},
                                {"max_delay_ms", 1000}};
  record.json_text = doc.dump();
  ASSERT_TRUE(world.store.Seed(record).has_value());
  MockRoom room(&monitor, 1, std::make_shared<std::set<std::string, std::less<>>>());

  Seen seen;
  AtClose at_close;
  loop.Spawn(Drive(&sessions, &room, &loop, &seen), "drive");
  loop.Spawn(CloseAt(&loop, &sessions, &quotas, &monitor, &seen, c.close_at_us, &at_close), "close");
  loop.Run();

  ASSERT_TRUE(loop.failures().empty()) << loop.failures()[0].what;
  EXPECT_EQ(loop.live_roots(), 0u);
  EXPECT_TRUE(loop.UnfinishedRoots().empty());
  EXPECT_EQ(at_close.ended, c.ended);
  EXPECT_EQ(at_close.active, 0u);
  EXPECT_EQ(at_close.closing, c.closing);
  EXPECT_EQ(at_close.sessions_in_use, 0);  // the quota slot is back at once
  EXPECT_EQ(sessions.active_session_count(), 0u);
  EXPECT_EQ(sessions.closing_session_count(), 0u);  // every agent freed
  ASSERT_TRUE(seen.returned);
  EXPECT_EQ(monitor.messages().size(), c.data_messages);
  EXPECT_EQ(monitor.stats().audio_segments, c.audio_segments);
  EXPECT_EQ(monitor.messages().size(), at_close.data_messages);  // nothing after the close
  EXPECT_EQ(monitor.stats().audio_segments, at_close.audio_segments);
  EXPECT_EQ(seen.record.reason, c.reason);
  EXPECT_EQ(seen.record.interrupted, c.interrupted);
  EXPECT_EQ(llm.calls(), c.llm_calls);
  EXPECT_LE(llm.last_call_at_us(), c.close_at_us);  // no backend call starts after the close
  EXPECT_EQ(seen.record.llm_attempts.size(), c.llm_attempts);
  EXPECT_EQ(seen.record.user_turn_end_us + seen.record.timings.turn_total_us,
            c.turn_returned_at_us);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SessionCloseTest,
    ::testing::Values(
        // The turn (LLM 4..104 ms, TTS to 154 ms) ends before the close: freed at once.
        CloseCase{"between_turns", 0, 500'000, false, 0, 1, 1, "ok", false, 1, 1, 154'000},
        // During the LLM call: its answer (at 104 ms) is dropped; no data, no audio, no
        // plain-text fallback call.
        CloseCase{"during_llm", 0, 50'000, true, 1, 0, 0, "session_closed", true, 1, 1, 104'000},
        // During TTS: the data went out before the close, the audio does not.
        CloseCase{"during_tts", 0, 120'000, true, 1, 1, 0, "session_closed", true, 1, 1,
                  154'000},
        // During the wait before a retry (a 429 at 104 ms asks for 500 ms): the retry is never
        // sent, the turn returns when the wait ends.
        CloseCase{"during_retry_wait", 1, 200'000, true, 1, 0, 0, "session_closed", true, 1, 1,
                  604'000}),
    [](const ::testing::TestParamInfo<CloseCase>& p) { return p.param.name; });

}  // namespace
}  // namespace session_close_test
