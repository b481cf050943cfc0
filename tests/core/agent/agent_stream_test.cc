// llm_config.stream: TTS starts when the text field is complete, before the object ends.
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
#include "mocks/mock_llm.h"
#include "mocks/mock_room.h"
#include "mocks/mock_tts.h"
#include "sim/file_source.h"
#include "tests/core/agent/agent_world.h"
#include "tests/core/agent/fixed_clients.h"

namespace agent_stream_test {
namespace {

using namespace agentsim;  // NOLINT: test file
using StreamClientFactory = agent_test_clients::FixedClientFactory;

struct RunResult {
  TurnRecord record;
  std::vector<std::string> topics;  // data messages the room got, in order
  std::uint64_t audio_segments = 0;
  std::size_t live_roots = 0;
};

// One session of interview-strict-v1 (streamed or not), one user turn, fixed seeds.
class StreamRun {
 public:
  StreamRun(bool stream, double malformed_rate, double tts_error_rate = 0.0)
      : store_(&loop_, Rng(1), Options()),
        configs_(&store_, nullptr, &loop_, Rng(3), ConfigurationStoreOptions{}),
        llm_(&loop_, Rng(11), LlmOptions(malformed_rate), &ResponseCorpus::BuiltIn()),
        tts_(&loop_, Rng(12), TtsOptions(tts_error_rate)),
        clients_(&llm_, &tts_),
        monitor_(&loop_, nullptr, /*keep_messages=*/true),
        sessions_(AgentServices{&loop_, &configs_, &clients_, nullptr}, Rng(2),
                  Logger(MakeNullLogger(), &loop_)) {
    ConfigRecord record = agent_test_clients::InterviewStrictRecord();
    if (stream) {
      const std::size_t at = record.json_text.find("\"max_tokens\": 400,");
      EXPECT_NE(at, std::string::npos);
      record.json_text.insert(at, "\"stream\": true, ");
    }
    EXPECT_TRUE(store_.Seed(record).has_value());
    room_ = std::make_unique<MockRoom>(&monitor_, 1,
                                       std::make_shared<std::set<std::string, std::less<>>>());
  }

  RunResult Run(std::string user_text) {
    RunResult out;
    loop_.Spawn(Drive(this, std::move(user_text), &out.record), "drive");
    loop_.Run();
    EXPECT_TRUE(loop_.failures().empty());
    for (const auto& m : monitor_.messages()) out.topics.push_back(std::string(m.topic));
    out.audio_segments = monitor_.stats().audio_segments;
    out.live_roots = loop_.live_roots();
    return out;
  }

 private:
  static InMemoryDocumentStoreOptions Options() {
    InMemoryDocumentStoreOptions o;
    o.latency_ms = LogNormalSpec{4.0, 4.0};
    return o;
  }
  static MockTtsOptions TtsOptions(double error_rate) {
    MockTtsOptions o;
    o.error_rate = error_rate;
    return o;
  }
  static MockLlmOptions LlmOptions(double malformed_rate) {
    MockLlmOptions o;
    o.malformed_rate = malformed_rate;
    o.missing_required_weight = malformed_rate > 0 ? 1.0 : 0.0;
    o.not_json_weight = 0.0;
    o.wrong_type_weight = 0.0;
    return o;
  }
  static Task<void> Drive(StreamRun* t, std::string text, TurnRecord* out) {
    auto id = co_await t->sessions_.CreateSession("interview-strict-v1", "user-1", "acme-hr",
                                                  t->room_.get());
    if (!id) throw std::runtime_error(id.error().ToString());
    Agent* agent = t->sessions_.Find(*id);
    *out = co_await agent->HandleTurn(std::move(text), t->loop_.NowMicros());
  }

  EventLoop loop_;
  InMemoryDocumentStore store_;
  ConfigurationStore configs_;
  MockLlm llm_;
  MockTts tts_;
  StreamClientFactory clients_;
  RoomMonitor monitor_;
  SessionManager sessions_;
  std::unique_ptr<MockRoom> room_;
};

TEST(AgentStreamTest, StreamingLowersTimeToFirstAudioForTheSameSeed) {
  RunResult plain = StreamRun(false, 0.0).Run("Hello, I'm Ana.");
  RunResult streamed = StreamRun(true, 0.0).Run("Hello, I'm Ana.");
  for (const RunResult* r : {&plain, &streamed}) {
    EXPECT_EQ(r->record.outcome, TurnOutcome::kStructured);
    EXPECT_EQ(r->topics, std::vector<std::string>{std::string(kStructuredOutputTopic)});
    EXPECT_EQ(r->audio_segments, 1u);
    EXPECT_EQ(r->live_roots, 0u);
  }
  // Same LLM call, same instants.
  EXPECT_EQ(streamed.record.timings.llm_total_us, plain.record.timings.llm_total_us);
  EXPECT_EQ(plain.record.timings.text_field_ready_us, -1);
  EXPECT_EQ(plain.record.timings.llm_total_us, 1185649);
  EXPECT_EQ(plain.record.timings.time_to_first_audio_us, 1363339);
  EXPECT_EQ(streamed.record.timings.text_field_ready_us, 746710);
  EXPECT_EQ(streamed.record.timings.time_to_first_audio_us, 924400);
  EXPECT_LT(streamed.record.timings.time_to_first_audio_us,
            plain.record.timings.time_to_first_audio_us);
}

// The final object fails validation (a required field missing): the room gets no structured
// data; the early audio was heard and the plain-text fallback is spoken after it.
TEST(AgentStreamTest, FailedObjectPublishesNoDataAfterEarlyAudio) {
  RunResult r = StreamRun(true, 1.0).Run("Hello, I'm Ana.");
  EXPECT_EQ(r.record.outcome, TurnOutcome::kFallback);
  EXPECT_EQ(r.record.reason, "validation_failed");
  EXPECT_EQ(r.record.llm_calls, 2);
  EXPECT_TRUE(r.topics.empty());
  EXPECT_EQ(r.audio_segments, 2u);
  EXPECT_EQ(r.record.timings.text_field_ready_us, 746710);
  EXPECT_EQ(r.live_roots, 0u);
}

// The early (streamed) audio fails: the structured answer is published, the turn is text-only
// and keeps its reason tts_error.
TEST(AgentStreamTest, FailedEarlyAudioKeepsItsReasonOnAStructuredTurn) {
  RunResult r = StreamRun(true, 0.0, 1.0).Run("Hello, I'm Ana.");
  EXPECT_EQ(r.record.outcome, TurnOutcome::kStructured);
  EXPECT_EQ(r.record.reason, "tts_error");
  EXPECT_TRUE(r.record.text_only);
  EXPECT_EQ(r.topics, std::vector<std::string>{std::string(kStructuredOutputTopic)});
  EXPECT_EQ(r.audio_segments, 0u);
  EXPECT_EQ(r.record.timings.time_to_first_audio_us, -1);
  EXPECT_EQ(r.live_roots, 0u);
}

}  // namespace
}  // namespace agent_stream_test
