// scenarios/llm_outputs.json at reduced size: every malformed kind reaches the agents; lenient
// parsing repairs what strict parsing refuses, and streaming lowers time to first audio.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class Sink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override {
    Arm& a = arms[t.agent_id];
    ++a.turns;
    a.fallbacks += t.outcome == TurnOutcome::kFallback;
    a.coercions += t.coercions;
    a.reasons.insert(t.reason);
    if (t.timings.time_to_first_audio_us >= 0) {
      ++a.audio_turns;
      a.ttfa_us += static_cast<double>(t.timings.time_to_first_audio_us);
    }
    a.text_field_ready += t.timings.text_field_ready_us >= 0;
  }
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure&) override { ++failures; }
  struct Arm {
    int turns = 0, fallbacks = 0, coercions = 0, audio_turns = 0, text_field_ready = 0;
    double ttfa_us = 0;
    std::set<std::string> reasons;
  };
  std::map<std::string, Arm> arms;
  int failures = 0;
};

TEST(LlmOutputsRunnerTest, EveryMalformationArrivesLenientRepairsAndStreamingIsFaster) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> s = LoadScenario(files, "llm_outputs.json");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  s->workload.sessions = 400;
  Sink sink;
  RunOutcome out = RunScenario(*s, 13, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0);
  for (int m = 0; m < kOutputMalformationCount; ++m) {
    EXPECT_GT(out.llm.malformations[m], 0u)
        << OutputMalformationName(static_cast<OutputMalformation>(m));
  }
  const Sink::Arm& strict = sink.arms.at("interview-strict-v1");
  const Sink::Arm& lenient = sink.arms.at("interview-lenient-v1");
  // Strict names why it fell back; lenient repairs fences, prose, commas and encodings.
  for (const char* reason : {"not_json", "truncated", "refusal", "empty_output",
                             "whitespace_only", "multiple_objects", "validation_failed"}) {
    EXPECT_TRUE(strict.reasons.contains(reason)) << reason;
  }
  EXPECT_EQ(strict.coercions, 0);
  EXPECT_GT(lenient.coercions, 0);
  EXPECT_LT(static_cast<double>(lenient.fallbacks) / lenient.turns,
            static_cast<double>(strict.fallbacks) / strict.turns);
  // Streaming: the text field is ready before the object is complete, and audio starts earlier.
  EXPECT_EQ(strict.text_field_ready, 0);
  EXPECT_GT(lenient.text_field_ready, lenient.turns / 2);
  EXPECT_LT(lenient.ttfa_us / lenient.audio_turns, strict.ttfa_us / strict.audio_turns);
}

}  // namespace
}  // namespace agentsim
