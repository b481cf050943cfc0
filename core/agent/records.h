// What a session and each of its turns did, as the core reports it. The simulator streams these
// to a RecordSink (the SQLite report writer in reports/, or a test's collector), in the order
// turns finish on virtual time, which is deterministic.
//
// Durations are µs on the session's Clock; a stage that did not run is -1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/clock.h"
#include "core/resilience/llm_attempt.h"

namespace agentsim {

enum class TurnOutcome {
  kStructured,  // structured output parsed and valid; fields published and spoken
  kFallback,    // structured output failed (reason says why); plain text was spoken instead
  kError,       // nothing could be delivered (reason says why)
};

// "structured", "fallback", "error".
std::string_view TurnOutcomeName(TurnOutcome outcome);

// Reason codes (the `reason` column): why a turn fell back or failed.
namespace reason {
inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kNotJson = "not_json";
inline constexpr std::string_view kNotAnObject = "not_an_object";
inline constexpr std::string_view kValidationFailed = "validation_failed";
inline constexpr std::string_view kLlmError = "llm_error";
inline constexpr std::string_view kTtsError = "tts_error";
inline constexpr std::string_view kConfigError = "config_error";
inline constexpr std::string_view kAgentDisabled = "agent_disabled";
inline constexpr std::string_view kClientError = "client_error";        // client creation failed
inline constexpr std::string_view kQuotaExhausted = "quota_exhausted";  // LLM calls per day
// Structured output that could not be read (core/agent/llm_output_parser.h says when each
// applies); with kNotJson, kNotAnObject and kValidationFailed above.
inline constexpr std::string_view kEmptyOutput = "empty_output";
inline constexpr std::string_view kWhitespaceOnly = "whitespace_only";
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kTooDeep = "too_deep";
inline constexpr std::string_view kTruncated = "truncated";
inline constexpr std::string_view kRefusal = "refusal";
inline constexpr std::string_view kMultipleObjects = "multiple_objects";
// The user barged in (Agent::Interrupt): nothing more from the turn reached the room.
inline constexpr std::string_view kInterrupted = "interrupted";
inline constexpr std::string_view kSessionClosed = "session_closed";
}  // namespace reason

struct TurnTimings {
  Micros config_fetch_us = -1;         // ConfigurationStore lookup at the start of the turn
  Micros llm_ttft_us = -1;             // structured request sent -> first token
  Micros llm_total_us = -1;            // structured request sent -> last token
  Micros parse_validate_us = -1;       // parse + schema validation (virtual time)
  Micros fallback_llm_total_us = -1;   // plain-text request sent -> last token (fallback only)
  Micros tts_ttfb_us = -1;             // TTS request sent -> first audio byte
  Micros time_to_first_audio_us = -1;  // end of user turn -> first audio byte in the room
  Micros turn_total_us = -1;           // end of user turn -> turn handled (audio scheduled)
  // llm_config.stream only: end of user turn -> the tts text field's value complete in the
  // stream (TTS starts then); -1 without streaming or when it never completed.
  Micros text_field_ready_us = -1;
};

struct TurnRecord {
  std::uint64_t session_id = 0;
  int turn_index = 0;                // 0-based within the session
  Micros user_turn_end_us = 0;       // instant the user stopped speaking
  std::string agent_id;
  std::string config_version;
  TurnOutcome outcome = TurnOutcome::kError;
  std::string reason{reason::kOk};
  int validation_errors = 0;         // schema violations in the structured output
  int llm_calls = 0;                 // structured + fallback requests
  int output_tokens = 0;
  int published_fields = 0;          // fields in the room payload (hidden ones removed)
  std::uint64_t user_text_bytes = 0;
  std::uint64_t spoken_text_bytes = 0;
  Micros audio_duration_us = 0;
  TurnTimings timings;
  // Repairs and coercions applied to the structured output (lenient mode; see
  // core/agent/llm_output_parser.h): their total, and (kind name, count) for each kind applied,
  // in CoercionKind order. Also set when the turn fell back after all.
  int coercions = 0;
  std::vector<std::pair<std::string_view, int>> coercion_kinds{};
  // Every attempt of the turn's LLM calls, in order (core/resilience/llm_attempt.h).
  std::vector<LlmAttempt> llm_attempts{};
  std::string llm_provider{};        // the provider that answered the turn's last LLM call
  bool text_only = false;            // text delivered without audio: TTS failed
  // feature_flags.enable_voice_analytics (read once per session): spoken text bytes per second
  // of audio sent to TTS in this turn; -1 when the flag is off or there was no audio.
  double speaking_rate_bytes_per_s = -1.0;
  // feature_flags.enable_sentiment_analysis: the sentiment call ran (counted in llm_calls) and
  // its answer filled the absent `sentiment` field.
  bool sentiment_filled = false;
  // The user interrupted the turn (Agent::Interrupt); reason is then "interrupted".
  bool interrupted = false;

  // Every field back to its default, keeping the strings' and vectors' storage: a record reused
  // turn after turn (the simulator keeps one per session) allocates nothing for its agent id or
  // its attempts once they have fitted. Field by field (a default-constructed record moved in
  // and the storage moved back was ~750 instructions a turn); turn_record_test checks that the
  // result equals a default-constructed record, and the size check below fails when a field is
  // added, so that it is reset here too.
  void Reset() {
    session_id = 0;
    turn_index = 0;
    user_turn_end_us = 0;
    agent_id.clear();
    config_version.clear();
    outcome = TurnOutcome::kError;
    reason.assign(reason::kOk);
    validation_errors = 0;
    llm_calls = 0;
    output_tokens = 0;
    published_fields = 0;
    user_text_bytes = 0;
    spoken_text_bytes = 0;
    audio_duration_us = 0;
    timings = TurnTimings{};
    coercions = 0;
    coercion_kinds.clear();
    llm_attempts.clear();
    llm_provider.clear();
    text_only = false;
    speaking_rate_bytes_per_s = -1.0;
    sentiment_filled = false;
    interrupted = false;
  }
};
// A new TurnRecord field changes this size: reset it in TurnRecord::Reset (and check it in
// tests/core/agent/turn_record_test.cc), then update the size.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(TurnRecord) == 352,
              "a TurnRecord field was added or changed: reset it in TurnRecord::Reset");
#endif

struct SessionRecord {
  std::uint64_t session_id = 0;
  std::string user_id;
  std::string tenant_id;
  std::string agent_id;
  std::string config_version;
  std::string conversation;          // utterance source: corpus, or transcript id
  Micros started_at_us = 0;
  Micros ended_at_us = 0;
  int turns_planned = 0;
  int turns_started = 0;
  int turns_completed = 0;           // handled with a structured or fallback outcome
  // Routing decision (sim/session_router.h): how the agent was chosen. `variant` sits beside the
  // other ints (no padding: the record is in every session's coroutine frame).
  int variant = -1;                  // experiment variant; rollout 0 old / 1 new; -1 weights
  std::string route = "weights";     // experiment | rollout | weights
  std::string route_key;             // experiment key or rollout id; empty for weights
  std::string status;                // completed | refused | error
  std::string error;                 // message when status != completed
  std::string feature_flags;         // JSON object of the session's config's flags, read once
  // Outcome metrics the scenario defines (name, value: 0/1 for proportions), in scenario order.
  std::vector<std::pair<std::string, double>> outcomes;
};

// A run-level finding: an invariant that did not hold (hidden field published, a root task that
// threw or never finished).
struct CheckFailure {
  Micros at_us = 0;
  std::string check;    // e.g. hidden_field_published, root_failed, root_unfinished
  std::string subject;  // e.g. session id or task name
  std::string detail;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnTurn(const TurnRecord& turn) = 0;
  virtual void OnSession(const SessionRecord& session) = 0;
  virtual void OnCheckFailure(const CheckFailure& failure) = 0;
};

}  // namespace agentsim
