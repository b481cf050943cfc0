// Agent: one session's conversational agent, handling one user turn at a time as the seed's
// BaseAgent does:
//
//   config fetch -> LLM request (system prompt from prompt_config, bounded history, user text,
//   structured output for the schema) -> parse JSON -> validate -> on any failure fall back to a
//   plain-text request (graceful degradation) -> publish the non-hidden fields to the room on
//   kStructuredOutputTopic -> send the spoken text and use_in_tts fields to TTS -> audio to the
//   room.
//
// Feature flags (feature_flags in the config), read once when the agent is created:
// enable_sentiment_analysis (FillSentiment) and enable_voice_analytics
// (TurnRecord::speaking_rate_bytes_per_s).
//
// Expected failures never throw: the TurnRecord says what happened (outcome, reason, per-stage
// timings in µs). One turn at a time per agent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agent/client_factory.h"
#include "core/agent/llm_output_parser.h"
#include "core/agent/records.h"
#include "core/async/task.h"
#include "core/config/agent_config.h"
#include "core/config/configuration_store.h"
#include "core/config/feature_flag_overrides.h"
#include "core/log/logger.h"
#include "core/ports/clock.h"
#include "core/ports/llm_client.h"
#include "core/ports/room.h"
#include "core/ports/tts_client.h"
#include "core/resilience/resilience_registry.h"
#include "core/resilience/resilient_llm.h"
#include "core/rng/rng.h"
#include "core/tenancy/tenant_quota_manager.h"

namespace agentsim {

// What a session does when its agent's config changes (seed: "Hot Configuration Reload").
enum class ConfigReloadPolicy {
  // Every turn asks the ConfigurationStore for the current version and uses it for the whole
  // turn: a new version is served from the first turn after the worker's caches have it.
  kNextTurn,
  // The session keeps the version it started with until it reconnects (the seed's behaviour:
  // "Reconnect to use new version"); turns do not fetch the config.
  kUntilReconnect,
};

// "next_turn", "until_reconnect".
std::string_view ConfigReloadPolicyName(ConfigReloadPolicy policy);

// The shared services an agent uses. Not owned; REQUIRES: they outlive every agent.
struct AgentServices {
  Clock* clock = nullptr;
  ConfigurationStore* configs = nullptr;
  ClientFactory* clients = nullptr;        // LLM and TTS clients, created on first use
  TenantQuotaManager* quotas = nullptr;    // may be null: no quotas
  ConfigReloadPolicy reload_policy = ConfigReloadPolicy::kNextTurn;
  // Circuit breakers and retry budgets per LLM provider, shared by the worker's sessions. May
  // be null: retries (llm_config.retry) still run, without breakers or budgets.
  ResilienceRegistry* resilience = nullptr;
  // Runtime feature-flag overrides (a flag service's flips), read with the config's flags when
  // the agent is created. May be null: the config's flags apply.
  const FeatureFlagOverrides* flag_overrides = nullptr;
};

// Final: it implements LlmRouteSource (privately) and is deleted through Agent pointers.
class Agent final : private LlmRouteSource {
 public:
  // `config` is the version the session started with; `rng` is the session's stream; `room`
  // is not owned and must outlive the agent.
  Agent(AgentServices services, std::shared_ptr<const AgentConfig> config, Room* room,
        std::uint64_t session_id, Rng rng, Logger log);

  // Handles the user turn that ended at `user_turn_end_us` (REQUIRES: <= now).
  Task<TurnRecord> HandleTurn(std::string user_text, Micros user_turn_end_us);
  // The same, writing the turn's record into *record (overwritten at the turn's start; it must
  // outlive the awaited turn), so that no copy of the record lives in the turn's own frame
  // while it is in flight (the simulator keeps one per session).
  Task<void> RunTurn(std::string user_text, Micros user_turn_end_us, TurnRecord* record);

  // A new version of this agent's config was published: tells the room on kConfigUpdateTopic
  // ({"type": "config_changed", "message": ..., "agent_id": ..., "version": ...}, the seed's
  // notice plus the version). Errors: the room's.
  Status NotifyConfigUpdate(std::string_view version);
  int config_updates_received() const { return config_updates_received_; }

  // Barge-in: the user started speaking over the turn in flight (no-op between turns). The
  // turn stops cooperatively: after each await it checks the flag, so the LLM or TTS call in
  // flight runs to its end in virtual time but its result is dropped; from this call on the
  // turn publishes nothing to the room (no data, no audio), is not remembered in the history,
  // and its record has interrupted = true and reason "interrupted".
  void Interrupt() {
    if (turn_in_flight_) interrupt_requested_ = true;
  }

  // Session close (SessionManager::EndSession): cancels the turn in flight as Interrupt does —
  // no retry, fallback provider, sentiment call or TTS starts after it, and nothing more is
  // published — with reason "session_closed". A HandleTurn after Close publishes nothing and
  // returns an error record with that reason; NotifyConfigUpdate fails (kFailedPrecondition).
  // The backend call in flight (if any) runs to its end in virtual time and its result is
  // dropped; `release` (if set) is then called as the turn's last use of the agent, so it may
  // destroy the agent (the SessionManager frees it there). Without a turn in flight `release`
  // is not called: the caller frees the agent itself.
  void Close(std::function<void()> release = {});
  bool closed() const { return closed_; }
  bool turn_in_flight() const { return turn_in_flight_; }

  const AgentConfig& config() const { return *config_; }
  std::uint64_t session_id() const { return session_id_; }
  int turns_handled() const { return turn_index_; }
  // Messages kept for the next request: at most 2 * prompt_config.max_history_turns.
  const std::vector<ChatMessage>& history() const { return history_; }

 private:
  struct Reply;
  Task<void> GenerateReply(const AgentConfig& config, const std::string& user_text,
                           TurnRecord& record, Reply* out);
  Task<void> Speak(const AgentConfig& config, const Reply& reply, Micros user_turn_end_us,
                   TurnRecord& record);
  // llm_config.stream: the structured call with its output streamed; TTS of the text field
  // starts (concurrently) as soon as the field's value is complete. Sets `*spoken` when that
  // early audio was attempted, and record.timings.text_field_ready_us.
  struct EarlyTts;
  Task<void> CompleteStreamed(const AgentConfig& config, LlmRequest request, TurnRecord& record,
                              bool* spoken, Result<LlmResponse>* out);
  Task<void> StreamLlm(const AgentConfig& config, LlmRequest request, TurnRecord& record,
                       EarlyTts* early, Result<LlmResponse>* out);
  Task<void> SpeakEarly(const AgentConfig& config, EarlyTts* early, TurnRecord& record);
  LlmRequest BaseRequest(const AgentConfig& config, const std::string& user_text);
  // The seed of the turn's next backend call of `kind` ("llm", "tts"): a function of (session
  // stream, kind, turn, call number in the turn) only, never of how many numbers the session
  // drew before (retry jitter, earlier fallbacks), so runs that differ only in config keep
  // common random numbers for every call they share (agentsim compare).
  std::uint64_t CallSeed(std::string_view kind);
  // The client for this session, created on first use. Errors: the factory's.
  Result<LlmClient*> Llm(const AgentConfig& config);
  Result<TtsClient*> Tts(const AgentConfig& config);
  // The client of llm_config.fallback_providers[index], created on first use.
  Result<LlmClient*> FallbackLlm(const AgentConfig& config, std::size_t index);
  // One logical LLM call through retries, breakers, budgets and the fallback providers
  // (core/resilience/resilient_llm.h); appends its attempts to record.llm_attempts and sets
  // record.llm_provider when a provider answered, and the answer (or the error) to *out, which
  // must outlive the awaited call. The turn's deadline starts at its first call.
  Task<void> CompleteLlm(const AgentConfig& config, LlmRequest request, TurnRecord& record,
                         Result<LlmResponse>* out);
  // LlmRouteSource, for CompleteLlm: the turn's config's provider, then its
  // fallback_providers, and their clients (Llm, FallbackLlm). config_ is the turn's config: it
  // is replaced only at a turn's start (UseFetchedConfig), before any LLM call.
  std::size_t route_count() const override;
  LlmRoute route(std::size_t index) const override;
  Result<LlmClient*> client(std::size_t index) override;
  // One LLM call against the tenant's daily quota; false (and the turn errs) when refused.
  bool TakeLlmCall(const AgentConfig& config, TurnRecord& record);
  // enable_sentiment_analysis: a plain-text "classify sentiment" call after a structured
  // answer whose schema has a `sentiment` field that the model left absent; fills it when the
  // answer (trimmed, lower-cased) validates. Counted in record.llm_calls.
  Task<void> FillSentiment(const AgentConfig& config, const std::string& user_text,
                           ParsedLlmOutput* parsed, TurnRecord& record);
  // Moves *user_text and *reply_text into the history.
  void Remember(const AgentConfig& config, std::string* user_text, std::string* reply_text);

  // The plain steps between the coroutines' awaits (GCC 12 keeps every local and temporary of
  // a coroutine body in its heap frame for the whole call; these keep theirs on the stack).
  // RunTurn:
  void StartTurn(const std::string& user_text, Micros user_turn_end_us, TurnRecord& record);
  // kNextTurn: the config the store has now (the session's version when the fetch fails).
  // RefreshFromL1 is the store's L1 hit (most turns) without a coroutine; false: no live L1
  // entry, RefreshConfig fetches it.
  bool RefreshFromL1(TurnRecord& record);
  Task<void> RefreshConfig(TurnRecord* record);
  void UseFetchedConfig(Result<std::shared_ptr<const AgentConfig>>& fetched, Micros fetch_start,
                        TurnRecord& record);
  bool TurnConfigEnabled(const AgentConfig& config, TurnRecord& record);
  void EndTurn(Micros user_turn_end_us, TurnRecord& record);
  // GenerateReply: true when the LLM client exists and the quota gives a call.
  bool StartReply(const AgentConfig& config, TurnRecord& record);
  Task<void> StructuredCall(const AgentConfig& config, const std::string& user_text,
                            TurnRecord& record, bool* spoken_early, Micros* llm_start,
                            Result<LlmResponse>* out);
  // Parses the response; `payload_buffer` is the storage of its room_payload (ParseLlmOutput).
  ParsedLlmOutput ReadStructured(const AgentConfig& config, const LlmResponse& response,
                                 Micros llm_start, TurnRecord& record,
                                 std::string payload_buffer = {});
  // True when the turn's reply is decided (structured, or dropped by a barge-in).
  bool DeliverStructured(ParsedLlmOutput& parsed, bool spoken_early, TurnRecord& record,
                         Reply& reply);
  bool HandleStructured(const AgentConfig& config, const Result<LlmResponse>& response,
                        Micros llm_start, bool spoken_early, TurnRecord& record, Reply& reply);
  Task<void> FallbackCall(const AgentConfig& config, const std::string& user_text,
                          TurnRecord& record, Micros* fallback_start, Result<LlmResponse>* out);
  void HandleFallback(Result<LlmResponse>& fallback, Micros fallback_start, TurnRecord& record,
                      Reply& reply);
  // Speak: the TTS call (an empty Task when there is no client: recorded), then its result.
  Task<Result<TtsResponse>> StartTts(const AgentConfig& config, const Reply& reply,
                                     TurnRecord& record);
  void FinishSpeak(const Result<TtsResponse>& audio, const Reply& reply, Micros tts_start,
                   Micros user_turn_end_us, TurnRecord& record);

  AgentServices services_;
  std::shared_ptr<const AgentConfig> config_;
  Room* room_;
  std::uint64_t session_id_;
  Rng rng_;
  Logger log_;
  // Feature flags, read once from the config the session started with: a hot-reloaded config
  // does not change them mid-session.
  bool sentiment_analysis_ = false;  // enable_sentiment_analysis
  bool voice_analytics_ = false;     // enable_voice_analytics
  int turn_index_ = 0;
  bool turn_in_flight_ = false;
  bool interrupt_requested_ = false;  // also the cancellation flag of the turn's LLM calls
  bool closed_ = false;
  std::function<void()> release_;      // Close's hook, called at the end of the turn
  std::uint64_t llm_calls_in_turn_ = 0;
  std::uint64_t tts_calls_in_turn_ = 0;
  int config_updates_received_ = 0;
  std::vector<ChatMessage> history_;
  LlmClient* llm_ = nullptr;
  TtsClient* tts_ = nullptr;
  std::vector<std::pair<std::string, LlmClient*>> fallback_llms_;  // by provider, first use
  Micros turn_deadline_at_us_ = kNoDeadline;                        // of the current turn
};

}  // namespace agentsim
