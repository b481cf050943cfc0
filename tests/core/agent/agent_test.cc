#include "core/agent/agent.h"

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_room.h"
#include "sim/file_source.h"
#include "tests/core/agent/agent_world.h"

namespace agentsim {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::IsNull;
using ::testing::NotNull;

class MockLlmClient : public LlmClient {
 public:
  MOCK_METHOD(Task<Result<LlmResponse>>, Complete, (LlmRequest request), (override));
};

class MockTtsClient : public TtsClient {
 public:
  MOCK_METHOD(Task<Result<TtsResponse>>, Synthesize, (TtsRequest request), (override));
};

// Completes after `ttft` (first token) and `total` µs, through the loop.
Task<Result<LlmResponse>> Reply(EventLoop* loop, std::string text, Micros ttft, Micros total) {
  co_await loop->Sleep(ttft);
  LlmResponse r;
  r.first_token_at_us = loop->NowMicros();
  co_await loop->Sleep(total - ttft);
  r.completed_at_us = loop->NowMicros();
  r.text = std::move(text);
  r.output_tokens = static_cast<int>(r.text.size() / 4);
  co_return r;
}

Task<Result<LlmResponse>> Fail(EventLoop* loop, Micros after) {
  co_await loop->Sleep(after);
  co_return Unavailable("provider down");
}

Task<Result<TtsResponse>> Audio(EventLoop* loop, Micros ttfb, Micros duration) {
  co_await loop->Sleep(ttfb);
  TtsResponse r;
  r.first_byte_at_us = loop->NowMicros();
  r.completed_at_us = r.first_byte_at_us;
  r.audio_duration_us = duration;
  r.audio_bytes = 4800;
  co_return r;
}

constexpr const char* kValidOutput =
    R"({"system_response":"Tell me about your last project.","voice_instructions":"Speak warmly.",)"
    R"("internal_assessment":"Strong opener.","credibility_score":72,)"
    R"("interview_stage":"introduction","sentiment":"positive"})";

// Hands out the test's mock clients and counts how often it was asked.
class TestClientFactory : public ClientFactory {
 public:
  TestClientFactory(LlmClient* llm, TtsClient* tts) : llm_(llm), tts_(tts) {}
  Result<LlmClient*> CreateLlm(const LlmConfig&) override {
    ++stats_.llm_clients_created;
    return llm_;
  }
  Result<TtsClient*> CreateTts(const TtsConfig&) override {
    ++stats_.tts_clients_created;
    return tts_;
  }
  const Stats& stats() const override { return stats_; }

 private:
  LlmClient* llm_;
  TtsClient* tts_;
  Stats stats_;
};

InMemoryDocumentStoreOptions FixedLatency(double ms) {
  InMemoryDocumentStoreOptions o;
  o.latency_ms = LogNormalSpec{ms, ms};
  return o;
}

void ReplaceOnce(std::string& text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

class AgentTest : public ::testing::Test {
 protected:
  AgentTest()
      : store_(&loop_, Rng(1), FixedLatency(4.0)),
        configs_(&store_, nullptr, &loop_, Rng(3), ConfigurationStoreOptions{}),
        clients_(&llm_, &tts_),
        monitor_(&loop_, nullptr, /*keep_messages=*/true),
        sessions_(AgentServices{&loop_, &configs_, &clients_, nullptr}, Rng(2),
                  Logger(MakeNullLogger(), &loop_)) {
    ConfigRecord record = agent_test_clients::InterviewStrictRecord();
    EXPECT_TRUE(store_.Seed(record).has_value());
    // The same agent reading its LLM's output leniently (schema_config.coercion).
    ConfigRecord lenient = record;
    lenient.agent_id = "interview-lenient-v1";
    ReplaceOnce(lenient.json_text, "\"interview-strict-v1\"", "\"interview-lenient-v1\"");
    ReplaceOnce(lenient.json_text, "\"schema_id\": \"interview_v1\",",
                "\"schema_id\": \"interview_v1\", \"coercion\": \"lenient\",");
    EXPECT_TRUE(store_.Seed(lenient).has_value());
    hidden_ = std::make_shared<std::set<std::string, std::less<>>>(
        std::set<std::string, std::less<>>{"internal_assessment"});
    room_ = std::make_unique<MockRoom>(&monitor_, 1, hidden_);
  }

  // Creates session 1 of `agent_id` and runs `turns` user turns through it, returning their
  // records.
  std::vector<TurnRecord> RunTurns(std::vector<std::string> turns,
                                   std::string agent_id = "interview-strict-v1") {
    std::vector<TurnRecord> records;
    loop_.Spawn(Drive(this, std::move(turns), &records, std::move(agent_id)), "drive");
    loop_.Run();
    EXPECT_TRUE(loop_.failures().empty());
    EXPECT_TRUE(loop_.UnfinishedRoots().empty());
    return records;
  }

  static Task<void> Drive(AgentTest* t, std::vector<std::string> turns,
                          std::vector<TurnRecord>* out, std::string agent_id) {
    auto id = co_await t->sessions_.CreateSession(agent_id, "user-1", "acme-hr", t->room_.get());
    if (!id) throw std::runtime_error(id.error().ToString());
    Agent* agent = t->sessions_.Find(*id);
    for (std::string& text : turns) {
      TurnRecord r = co_await agent->HandleTurn(std::move(text), t->loop_.NowMicros());
      out->push_back(std::move(r));
    }
    t->history_size_ = agent->history().size();
  }

  EventLoop loop_;
  InMemoryDocumentStore store_;
  ConfigurationStore configs_;
  MockLlmClient llm_;
  MockTtsClient tts_;
  TestClientFactory clients_;
  RoomMonitor monitor_;
  SessionManager sessions_;
  std::shared_ptr<std::set<std::string, std::less<>>> hidden_;
  std::unique_ptr<MockRoom> room_;
  std::size_t history_size_ = 0;
};

TEST_F(AgentTest, ValidOutputIsPublishedWithoutHiddenFieldsAndSpoken) {
  EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, NotNull())))
      .WillOnce([this](LlmRequest r) {
        EXPECT_EQ(r.user_text, "Hello, I'm Ana.");
        EXPECT_EQ(r.model, "gpt-4o-mini");
        EXPECT_DOUBLE_EQ(r.temperature, 0.3);
        EXPECT_TRUE(r.history.empty());
        return Reply(&loop_, kValidOutput, 100'000, 300'000);
      });
  EXPECT_CALL(tts_, Synthesize(AllOf(
                        Field(&TtsRequest::text, "Tell me about your last project."),
                        Field(&TtsRequest::voice_instructions, "Speak warmly."),
                        Field(&TtsRequest::voice, "onyx"))))
      .WillOnce([this](TtsRequest) { return Audio(&loop_, 150'000, 2'000'000); });

  std::vector<TurnRecord> records = RunTurns({"Hello, I'm Ana."});
  ASSERT_EQ(records.size(), 1u);
  const TurnRecord& r = records[0];
  EXPECT_EQ(r.outcome, TurnOutcome::kStructured);
  EXPECT_EQ(r.reason, "ok");
  EXPECT_EQ(r.validation_errors, 0);
  EXPECT_EQ(r.llm_calls, 1);
  EXPECT_EQ(r.published_fields, 5);
  EXPECT_EQ(r.agent_id, "interview-strict-v1");
  EXPECT_EQ(r.config_version, "1.0.0");
  EXPECT_EQ(r.user_turn_end_us, 4000);  // after the session's config load (4 ms)
  EXPECT_EQ(r.timings.config_fetch_us, 0);  // L1 hit
  EXPECT_EQ(r.timings.llm_ttft_us, 100'000);
  EXPECT_EQ(r.timings.llm_total_us, 300'000);
  EXPECT_EQ(r.timings.parse_validate_us, 0);
  EXPECT_EQ(r.timings.fallback_llm_total_us, -1);
  EXPECT_EQ(r.timings.tts_ttfb_us, 150'000);
  EXPECT_EQ(r.timings.time_to_first_audio_us, 450'000);
  EXPECT_EQ(r.timings.turn_total_us, 450'000);
  EXPECT_EQ(r.audio_duration_us, 2'000'000);

  ASSERT_EQ(monitor_.messages().size(), 1u);
  EXPECT_EQ(monitor_.messages()[0].topic, kStructuredOutputTopic);
  auto payload = nlohmann::json::parse(monitor_.messages()[0].payload);
  EXPECT_FALSE(payload.contains("internal_assessment"));
  EXPECT_EQ(payload["credibility_score"], 72);
  EXPECT_EQ(payload["voice_instructions"], "Speak warmly.");
  EXPECT_TRUE(monitor_.failures().empty());
  EXPECT_EQ(monitor_.stats().audio_segments, 1u);
}

// A valid output as a sloppy model writes it: fenced, a number as a string, an enum capitalised.
constexpr const char* kSloppyOutput =
    "```json\n"
    R"({"system_response":"Tell me about your last project.","voice_instructions":"Speak warmly.",)"
    R"("internal_assessment":"Strong opener.","credibility_score":"72",)"
    R"("interview_stage":"introduction","sentiment":"Positive"})"
    "\n```";

TEST_F(AgentTest, LenientConfigRepairsAndCountsCoercions) {
  EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, NotNull())))
      .WillOnce([this](LlmRequest) { return Reply(&loop_, kSloppyOutput, 100'000, 300'000); });
  EXPECT_CALL(tts_, Synthesize(AllOf(Field(&TtsRequest::text, "Tell me about your last project."),
                                     Field(&TtsRequest::voice_instructions, "Speak warmly."))))
      .WillOnce([this](TtsRequest) { return Audio(&loop_, 150'000, 2'000'000); });

  std::vector<TurnRecord> records = RunTurns({"Hello, I'm Ana."}, "interview-lenient-v1");
  ASSERT_EQ(records.size(), 1u);
  const TurnRecord& r = records[0];
  EXPECT_EQ(r.outcome, TurnOutcome::kStructured);
  EXPECT_EQ(r.reason, "ok");
  EXPECT_EQ(r.llm_calls, 1);
  EXPECT_EQ(r.coercions, 3);
  EXPECT_EQ(r.coercion_kinds, (std::vector<std::pair<std::string_view, int>>{
                                  {"fenced", 1}, {"string_to_int", 1}, {"enum_case", 1}}));
  EXPECT_EQ(r.published_fields, 5);
  ASSERT_EQ(monitor_.messages().size(), 1u);
  auto payload = nlohmann::json::parse(monitor_.messages()[0].payload);
  EXPECT_EQ(payload["credibility_score"], 72);
  EXPECT_EQ(payload["sentiment"], "positive");
  EXPECT_FALSE(payload.contains("internal_assessment"));
}

TEST_F(AgentTest, StrictConfigFallsBackOnTheSameOutput) {
  {
    ::testing::InSequence seq;
    EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, NotNull())))
        .WillOnce([this](LlmRequest) { return Reply(&loop_, kSloppyOutput, 100'000, 300'000); });
    EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, IsNull())))
        .WillOnce([this](LlmRequest) { return Reply(&loop_, "Go on.", 10, 20); });
  }
  EXPECT_CALL(tts_, Synthesize(Field(&TtsRequest::text, "Go on.")))
      .WillOnce([this](TtsRequest) { return Audio(&loop_, 10, 10); });
  std::vector<TurnRecord> records = RunTurns({"Hello, I'm Ana."});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, TurnOutcome::kFallback);
  EXPECT_EQ(records[0].reason, "not_json");
  EXPECT_EQ(records[0].coercions, 0);
  EXPECT_TRUE(records[0].coercion_kinds.empty());
  EXPECT_TRUE(monitor_.messages().empty());
}

struct FallbackCase {
  const char* name;
  const char* raw;
  const char* reason;
  int validation_errors;
};
// gtest prints the case by name (not as bytes) in test listings.
void PrintTo(const FallbackCase& c, std::ostream* os) { *os << c.name; }

class AgentFallbackTest : public AgentTest,
                          public ::testing::WithParamInterface<FallbackCase> {};

TEST_P(AgentFallbackTest, FallsBackToPlainTextAndPublishesNothing) {
  const FallbackCase& c = GetParam();
  {
    ::testing::InSequence seq;
    EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, NotNull())))
        .WillOnce([this, &c](LlmRequest) { return Reply(&loop_, c.raw, 100'000, 200'000); });
    EXPECT_CALL(llm_, Complete(Field(&LlmRequest::response_schema, IsNull())))
        .WillOnce([this](LlmRequest) {
          return Reply(&loop_, "Could you say more about that?", 50'000, 120'000);
        });
  }
  EXPECT_CALL(tts_, Synthesize(AllOf(Field(&TtsRequest::text, "Could you say more about that?"),
                                     Field(&TtsRequest::voice_instructions, ""))))
      .WillOnce([this](TtsRequest) { return Audio(&loop_, 100'000, 1'000'000); });

  std::vector<TurnRecord> records = RunTurns({"I built a cache."});
  ASSERT_EQ(records.size(), 1u);
  const TurnRecord& r = records[0];
  EXPECT_EQ(r.outcome, TurnOutcome::kFallback);
  EXPECT_EQ(r.reason, c.reason);
  EXPECT_EQ(r.validation_errors, c.validation_errors);
  EXPECT_EQ(r.llm_calls, 2);
  EXPECT_EQ(r.published_fields, 0);
  EXPECT_EQ(r.timings.llm_total_us, 200'000);
  EXPECT_EQ(r.timings.fallback_llm_total_us, 120'000);
  EXPECT_EQ(r.timings.time_to_first_audio_us, 420'000);
  EXPECT_TRUE(monitor_.messages().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, AgentFallbackTest,
    ::testing::Values(
        FallbackCase{"ProseAroundJson", "Sure! {\"system_response\": \"x\"}", "not_json", 0},
        FallbackCase{"Truncated", "{\"system_response\": \"Tell me ab", "truncated", 0},
        FallbackCase{"Empty", "", "empty_output", 0},
        FallbackCase{"Array", "[1, 2]", "not_an_object", 0},
        FallbackCase{"MissingRequired",
                     R"({"system_response":"Hi","credibility_score":5,"interview_stage":"closing"})",
                     "validation_failed", 1},
        FallbackCase{"WrongTypeAndRange",
                     R"({"system_response":"Hi","credibility_score":"high",)"
                     R"("interview_stage":"lunch","sentiment":"neutral"})",
                     "validation_failed", 2}),
    [](const ::testing::TestParamInfo<FallbackCase>& p) { return std::string(p.param.name); });

TEST_F(AgentTest, LlmErrorFallsBackAndDoubleFailureIsAnError) {
  EXPECT_CALL(llm_, Complete(_))
      .WillOnce([this](LlmRequest) { return Fail(&loop_, 30'000); })
      .WillOnce([this](LlmRequest) { return Reply(&loop_, "One moment please.", 10, 20); })
      .WillOnce([this](LlmRequest) { return Fail(&loop_, 30'000); })
      .WillOnce([this](LlmRequest) { return Fail(&loop_, 40'000); });
  EXPECT_CALL(tts_, Synthesize(_)).WillOnce([this](TtsRequest) {
    return Audio(&loop_, 1000, 1000);
  });
  std::vector<TurnRecord> records = RunTurns({"first", "second"});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].outcome, TurnOutcome::kFallback);
  EXPECT_EQ(records[0].reason, "llm_error");
  EXPECT_EQ(records[0].timings.llm_total_us, -1);
  EXPECT_EQ(records[1].outcome, TurnOutcome::kError);
  EXPECT_EQ(records[1].reason, "llm_error");
  EXPECT_EQ(records[1].timings.time_to_first_audio_us, -1);
  EXPECT_EQ(records[1].timings.turn_total_us, 70'000);
  EXPECT_EQ(history_size_, 2u);  // the failed turn is not remembered
}

TEST_F(AgentTest, HistoryIsBoundedByMaxHistoryTurns) {
  // interview-strict-v1 keeps 8 turns: 16 messages.
  std::vector<std::size_t> history_sizes;
  EXPECT_CALL(llm_, Complete(_)).Times(10).WillRepeatedly([this, &history_sizes](LlmRequest r) {
    history_sizes.push_back(r.history.size());
    return Reply(&loop_, kValidOutput, 10, 20);
  });
  EXPECT_CALL(tts_, Synthesize(_)).Times(10).WillRepeatedly([this](TtsRequest) {
    return Audio(&loop_, 10, 10);
  });
  RunTurns(std::vector<std::string>(10, "again"));
  EXPECT_EQ(history_sizes,
            (std::vector<std::size_t>{0, 2, 4, 6, 8, 10, 12, 14, 16, 16}));
  EXPECT_EQ(history_size_, 16u);
}

// RunTurn writes each turn into the caller's record (the simulator keeps one per session):
// a turn overwrites the whole record, so nothing of the turn before (attempts, timings) stays.
Task<void> TwoTurnsIntoOneRecord(SessionManager* sessions, EventLoop* loop, Room* room,
                                 std::vector<TurnRecord>* seen) {
  auto id = co_await sessions->CreateSession("interview-strict-v1", "user-1", "acme-hr", room);
  if (!id) throw std::runtime_error(id.error().ToString());
  Agent* agent = sessions->Find(*id);
  TurnRecord record;
  record.reason = "stale";
  record.llm_attempts.push_back(LlmAttempt{});
  for (int i = 0; i < 2; ++i) {
    std::string text = "Hello.";
    co_await agent->RunTurn(text, loop->NowMicros(), &record);
    seen->push_back(record);
  }
}

TEST_F(AgentTest, RunTurnOverwritesTheCallersRecord) {
  EXPECT_CALL(llm_, Complete(_)).Times(2).WillRepeatedly([this](LlmRequest) {
    return Reply(&loop_, kValidOutput, 100'000, 300'000);
  });
  EXPECT_CALL(tts_, Synthesize(_)).Times(2).WillRepeatedly([this](TtsRequest) {
    return Audio(&loop_, 150'000, 2'000'000);
  });
  std::vector<TurnRecord> seen;
  loop_.Spawn(TwoTurnsIntoOneRecord(&sessions_, &loop_, room_.get(), &seen), "drive");
  loop_.Run();
  EXPECT_TRUE(loop_.failures().empty());
  ASSERT_EQ(seen.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const TurnRecord& r = seen[static_cast<std::size_t>(i)];
    EXPECT_EQ(r.turn_index, i);
    EXPECT_EQ(r.outcome, TurnOutcome::kStructured);
    EXPECT_EQ(r.reason, "ok");
    EXPECT_EQ(r.llm_calls, 1);
    ASSERT_EQ(r.llm_attempts.size(), 1u);
    EXPECT_EQ(r.llm_attempts[0].outcome, AttemptOutcome::kOk);
    EXPECT_EQ(r.timings.time_to_first_audio_us, 450'000);
  }
  EXPECT_EQ(seen[1].user_turn_end_us, seen[0].user_turn_end_us + 450'000);
}

Task<void> CreateFor(SessionManager* sessions, Room* room, std::string tenant,
                     Result<std::uint64_t>* out) {
  *out = co_await sessions->CreateSession("interview-strict-v1", "u", std::move(tenant), room);
}

TEST_F(AgentTest, SessionOfAnotherTenantIsDenied) {
  Result<std::uint64_t> denied = 0, allowed = 0;
  loop_.Spawn(CreateFor(&sessions_, room_.get(), "globex", &denied), "denied");
  loop_.Spawn(CreateFor(&sessions_, room_.get(), "acme-hr", &allowed), "allowed");
  loop_.Run();
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().message, "tenant globex cannot access agent interview-strict-v1");
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(*allowed, 1u);
  EXPECT_EQ(sessions_.active_session_count(), 1u);
  EXPECT_TRUE(sessions_.EndSession(1).has_value());
  EXPECT_EQ(sessions_.active_session_count(), 0u);
  EXPECT_EQ(sessions_.EndSession(1).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace agentsim
