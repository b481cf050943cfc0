// Feature flags read once per session: enable_sentiment_analysis, enable_voice_analytics.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/agent/agent.h"
#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_room.h"
#include "sim/file_source.h"
#include "tests/core/agent/agent_world.h"
#include "tests/core/agent/fixed_clients.h"

namespace agent_flags_test {
namespace {

using namespace agentsim;  // NOLINT: test file
using agent_test_clients::FixedTts;
using Factory = agent_test_clients::FixedClientFactory;

// Answers the calls in order from a script, 100 ms each; records the requests' schema use.
class ScriptedLlm : public LlmClient {
 public:
  ScriptedLlm(EventLoop* loop, std::vector<std::string> script)
      : loop_(loop), script_(std::move(script)) {}
  Task<Result<LlmResponse>> Complete(LlmRequest request) override {
    structured.push_back(request.response_schema != nullptr);
    std::string text = script_.at(next_++);
    co_await loop_->Sleep(100'000);
    LlmResponse r;
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    r.text = std::move(text);
    r.output_tokens = 1;
    co_return r;
  }
  std::vector<bool> structured;

 private:
  EventLoop* loop_;
  std::vector<std::string> script_;
  std::size_t next_ = 0;
};

// sentiment optional; no sentiment in the model's object.
constexpr const char* kNoSentiment =
    R"({"system_response":"Tell me about your last project.","voice_instructions":"Warm.",)"
    R"("internal_assessment":"Strong opener.","credibility_score":72,)"
    R"("interview_stage":"introduction"})";

struct FlagCase {
  std::string name;
  std::string flags;          // the config's feature_flags object
  std::vector<std::string> script;
  int llm_calls;
  bool sentiment_filled;
  std::string published_sentiment;  // "" when absent
  double speaking_rate;             // -1 when off
};

void PrintTo(const FlagCase& c, std::ostream* os) { *os << c.name; }

class AgentFlagsTest : public ::testing::TestWithParam<FlagCase> {};

Task<void> Drive(SessionManager* sessions, Room* room, EventLoop* loop, TurnRecord* out) {
  auto id = co_await sessions->CreateSession("interview-strict-v1", "user-1", "acme-hr", room);
  if (!id) throw std::runtime_error(id.error().ToString());
  Agent* agent = sessions->Find(*id);
  *out = co_await agent->HandleTurn("Hello, I'm Ana.", loop->NowMicros());
}

TEST_P(AgentFlagsTest, FlagsShapeTheTurn) {
  const FlagCase& c = GetParam();
  EventLoop loop;
  InMemoryDocumentStoreOptions store_options;
  store_options.latency_ms = LogNormalSpec{4.0, 4.0};
  InMemoryDocumentStore store(&loop, Rng(1), store_options);
  ConfigurationStore configs(&store, nullptr, &loop, Rng(3), ConfigurationStoreOptions{});
  ScriptedLlm llm(&loop, c.script);
  FixedTts tts(&loop);
  Factory clients(&llm, &tts);
  RoomMonitor monitor(&loop, nullptr, /*keep_messages=*/true);
  SessionManager sessions(AgentServices{&loop, &configs, &clients, nullptr}, Rng(2),
                          Logger(MakeNullLogger(), &loop));
  ConfigRecord record = agent_test_clients::InterviewStrictRecord();
  // sentiment optional, and this case's flags.
  const std::size_t s = record.json_text.find("\"field_name\": \"sentiment\"");
  ASSERT_NE(s, std::string::npos);
  const std::size_t req = record.json_text.find("\"required\": true", s);
  record.json_text.replace(req, 16, "\"required\": false");
  const std::size_t f = record.json_text.find("\"feature_flags\": {");
  const std::size_t e = record.json_text.find('}', f);
  record.json_text.replace(f, e + 1 - f, "\"feature_flags\": " + c.flags);
  ASSERT_TRUE(store.Seed(record).has_value());
  MockRoom room(&monitor, 1, std::make_shared<std::set<std::string, std::less<>>>());
  TurnRecord turn;
  loop.Spawn(Drive(&sessions, &room, &loop, &turn), "drive");
  loop.Run();
  ASSERT_TRUE(loop.failures().empty());
  EXPECT_EQ(loop.live_roots(), 0u);
  EXPECT_EQ(turn.outcome, TurnOutcome::kStructured);
  EXPECT_EQ(turn.llm_calls, c.llm_calls);
  EXPECT_EQ(static_cast<int>(llm.structured.size()), c.llm_calls);
  EXPECT_EQ(turn.sentiment_filled, c.sentiment_filled);
  EXPECT_DOUBLE_EQ(turn.speaking_rate_bytes_per_s, c.speaking_rate);
  ASSERT_EQ(monitor.messages().size(), 1u);
  auto payload = nlohmann::json::parse(monitor.messages()[0].payload);
  EXPECT_EQ(payload.value("sentiment", std::string()), c.published_sentiment);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AgentFlagsTest,
    ::testing::Values(
        FlagCase{"flags_off", R"({})", {kNoSentiment}, 1, false, "", -1.0},
        // "Tell me about your last project." is 32 bytes over 2 s of audio.
        FlagCase{"voice_analytics", R"({"enable_voice_analytics": true})", {kNoSentiment}, 1,
                 false, "", 16.0},
        FlagCase{"sentiment_filled", R"({"enable_sentiment_analysis": true})",
                 {kNoSentiment, " Positive."}, 2, true, "positive", -1.0},
        FlagCase{"sentiment_answer_invalid", R"({"enable_sentiment_analysis": true})",
                 {kNoSentiment, "It is hard to say."}, 2, false, "", -1.0}),
    [](const ::testing::TestParamInfo<FlagCase>& p) { return p.param.name; });

}  // namespace
}  // namespace agent_flags_test
