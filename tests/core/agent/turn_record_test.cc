// TurnRecord::Reset: every field back to a default-constructed record's value, and the storage of
// the strings and vectors kept for the next turn.
#include <gtest/gtest.h>

#include <string>

#include "core/agent/records.h"

namespace agentsim {
namespace {

TurnRecord FilledRecord() {
  TurnRecord r;
  r.session_id = 7;
  r.turn_index = 3;
  r.user_turn_end_us = 1'000;
  r.agent_id = "an-agent-id-longer-than-the-small-buffer";
  r.config_version = "a-version-longer-than-the-small-buffer";
  r.outcome = TurnOutcome::kFallback;
  r.reason = "a-reason-longer-than-the-small-buffer";
  r.validation_errors = 2;
  r.llm_calls = 2;
  r.output_tokens = 40;
  r.published_fields = 5;
  r.user_text_bytes = 12;
  r.spoken_text_bytes = 30;
  r.audio_duration_us = 2'000'000;
  r.timings.config_fetch_us = 1;
  r.timings.llm_ttft_us = 2;
  r.timings.llm_total_us = 3;
  r.timings.parse_validate_us = 4;
  r.timings.fallback_llm_total_us = 5;
  r.timings.tts_ttfb_us = 6;
  r.timings.time_to_first_audio_us = 7;
  r.timings.turn_total_us = 8;
  r.timings.text_field_ready_us = 9;
  r.coercions = 1;
  r.coercion_kinds.emplace_back("number_from_string", 1);
  r.llm_attempts.push_back(LlmAttempt{0, "a-provider-longer-than-the-small-buffer", 0, 0,
                                      AttemptOutcome::kOk, 10, 20});
  r.llm_attempts.push_back(LlmAttempt{1, "second", 1, 5, AttemptOutcome::kOk, 30, 40});
  r.llm_provider = "a-provider-longer-than-the-small-buffer";
  r.text_only = true;
  r.speaking_rate_bytes_per_s = 15.0;
  r.sentiment_filled = true;
  r.interrupted = true;
  return r;
}

TEST(TurnRecordTest, ResetGivesTheDefaultRecord) {
  TurnRecord r = FilledRecord();
  r.Reset();
  const TurnRecord d;
  EXPECT_EQ(r.session_id, d.session_id);
  EXPECT_EQ(r.turn_index, d.turn_index);
  EXPECT_EQ(r.user_turn_end_us, d.user_turn_end_us);
  EXPECT_EQ(r.agent_id, "");
  EXPECT_EQ(r.config_version, "");
  EXPECT_EQ(r.outcome, d.outcome);
  EXPECT_EQ(r.reason, "ok");
  EXPECT_EQ(r.reason, d.reason);
  EXPECT_EQ(r.validation_errors, 0);
  EXPECT_EQ(r.llm_calls, 0);
  EXPECT_EQ(r.output_tokens, 0);
  EXPECT_EQ(r.published_fields, 0);
  EXPECT_EQ(r.user_text_bytes, 0u);
  EXPECT_EQ(r.spoken_text_bytes, 0u);
  EXPECT_EQ(r.audio_duration_us, 0);
  for (Micros t : {r.timings.config_fetch_us, r.timings.llm_ttft_us, r.timings.llm_total_us,
                   r.timings.parse_validate_us, r.timings.fallback_llm_total_us,
                   r.timings.tts_ttfb_us, r.timings.time_to_first_audio_us,
                   r.timings.turn_total_us, r.timings.text_field_ready_us}) {
    EXPECT_EQ(t, -1);
  }
  EXPECT_EQ(r.coercions, 0);
  EXPECT_TRUE(r.coercion_kinds.empty());
  EXPECT_TRUE(r.llm_attempts.empty());
  EXPECT_EQ(r.llm_provider, "");
  EXPECT_FALSE(r.text_only);
  EXPECT_EQ(r.speaking_rate_bytes_per_s, -1.0);
  EXPECT_FALSE(r.sentiment_filled);
  EXPECT_FALSE(r.interrupted);
}

TEST(TurnRecordTest, ResetKeepsTheStorage) {
  TurnRecord r = FilledRecord();
  const char* agent_id = r.agent_id.data();
  const char* provider = r.llm_provider.data();
  const LlmAttempt* attempts = r.llm_attempts.data();
  const std::size_t attempts_capacity = r.llm_attempts.capacity();
  r.Reset();
  EXPECT_EQ(r.agent_id.data(), agent_id);
  EXPECT_EQ(r.llm_provider.data(), provider);
  EXPECT_EQ(r.llm_attempts.data(), attempts);
  EXPECT_EQ(r.llm_attempts.capacity(), attempts_capacity);
  // The next turn's values fit without a new allocation.
  r.agent_id = "an-agent-id-longer-than-the-small-buffer";
  r.llm_attempts.push_back(LlmAttempt{});
  EXPECT_EQ(r.agent_id.data(), agent_id);
  EXPECT_EQ(r.llm_attempts.data(), attempts);
}

}  // namespace
}  // namespace agentsim
