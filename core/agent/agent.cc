#include "core/agent/agent.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/agent/llm_output_parser.h"
#include "core/agent/stream_field_extractor.h"
#include "core/async/async_event.h"
#include "core/async/when_all.h"
#include "core/agent/structured_output.h"

namespace agentsim {

struct Agent::Reply {
  bool delivered = false;      // there is text to speak
  bool spoken = false;         // already sent to TTS while the output streamed
  std::string spoken_text;
  std::string voice_instructions;
};

Agent::Agent(AgentServices services, std::shared_ptr<const AgentConfig> config, Room* room,
             std::uint64_t session_id, Rng rng, Logger log)
    : services_(services),
      config_(std::move(config)),
      room_(room),
      session_id_(session_id),
      rng_(rng),
      log_(std::move(log)) {
  const auto flag = [this](std::string_view name) {
    if (services_.flag_overrides != nullptr) {
      if (auto v = services_.flag_overrides->Get(config_->agent_id, name)) return *v;
    }
    // A scan (a handful of flags): find() would build a std::string key.
    for (const auto& [key, on] : config_->feature_flags) {
      if (key == name) return on;
    }
    return false;
  };
  sentiment_analysis_ = flag("enable_sentiment_analysis");
  voice_analytics_ = flag("enable_voice_analytics");
}

std::uint64_t Agent::CallSeed(std::string_view kind) {
  // Counted per kind: a fallback LLM call does not shift the TTS call's seed.
  std::uint64_t& n = kind == "tts" ? tts_calls_in_turn_ : llm_calls_in_turn_;
  Rng call = rng_.Fork(kind).Fork(static_cast<std::uint64_t>(turn_index_)).Fork(n++);
  return call.NextU64();
}

LlmRequest Agent::BaseRequest(const AgentConfig& config, const std::string& user_text) {
  LlmRequest request;
  request.provider = config.llm.provider;
  request.model = config.llm.model;
  request.temperature = config.llm.temperature;
  request.max_tokens = config.llm.max_tokens;
  request.system_prompt = config.prompt.system_prompt;
  request.history = history_;
  request.user_text = user_text;
  request.seed = CallSeed("llm");
  return request;
}

Result<LlmClient*> Agent::Llm(const AgentConfig& config) {
  if (llm_ == nullptr) {
    Result<LlmClient*> created = services_.clients->CreateLlm(config.llm);
    if (!created) return created;
    llm_ = *created;
  }
  return llm_;
}

Result<TtsClient*> Agent::Tts(const AgentConfig& config) {
  if (tts_ == nullptr) {
    Result<TtsClient*> created = services_.clients->CreateTts(config.tts);
    if (!created) return created;
    tts_ = *created;
  }
  return tts_;
}

Result<LlmClient*> Agent::FallbackLlm(const AgentConfig& config, std::size_t index) {
  const LlmFallback& fallback = config.llm.fallback_providers.at(index);
  for (const auto& [provider, client] : fallback_llms_) {
    if (provider == fallback.provider) return client;
  }
  LlmConfig llm = config.llm;
  llm.provider = fallback.provider;
  llm.model = fallback.model;
  llm.api_key_env = fallback.api_key_env;
  Result<LlmClient*> created = services_.clients->CreateLlm(llm);
  if (created) fallback_llms_.emplace_back(fallback.provider, *created);
  return created;
}

std::size_t Agent::route_count() const { return 1 + config_->llm.fallback_providers.size(); }

LlmRoute Agent::route(std::size_t index) const {
  if (index == 0) return LlmRoute{config_->llm.provider, config_->llm.model};
  const LlmFallback& f = config_->llm.fallback_providers[index - 1];
  return LlmRoute{f.provider, f.model};
}

Result<LlmClient*> Agent::client(std::size_t index) {
  return index == 0 ? Llm(*config_) : FallbackLlm(*config_, index - 1);
}

// Not a coroutine: its work happens when the call is made (right before it is awaited), so the
// request and context are built on the stack and moved into CompleteResilient's frame, which
// writes the answer to *out and the attempts and provider straight into the record; the chain
// of providers is this agent's (LlmRouteSource).
Task<void> Agent::CompleteLlm(const AgentConfig& config, LlmRequest request, TurnRecord& record,
                              Result<LlmResponse>* out) {
  // The turn's deadline starts with its first LLM call.
  if (record.llm_attempts.empty()) {
    turn_deadline_at_us_ = TurnDeadlineAt(config.llm.retry, services_.clock->NowMicros());
  }
  ResilientLlmContext context;
  context.clock = services_.clock;
  context.registry = services_.resilience;
  context.policy = config.llm.retry;
  context.deadline_at_us = turn_deadline_at_us_;
  context.rng = &rng_;
  context.call_index = record.llm_calls - 1;
  context.keep_alive = config_;  // the turn's config: owns the schema
  context.cancelled = &interrupt_requested_;
  return CompleteResilient(std::move(context), this, request,
                           ResilientLlmOutput{out, &record.llm_provider, &record.llm_attempts});
}

bool Agent::TakeLlmCall(const AgentConfig& config, TurnRecord& record) {
  if (services_.quotas == nullptr) return true;
  Status taken = services_.quotas->Acquire(config.tenant.tenant_id, QuotaResource::kLlmCallsPerDay);
  if (taken) return true;
  log_.Info("llm_call_refused error={}", taken.error().ToString());
  record.outcome = TurnOutcome::kError;
  record.reason = reason::kQuotaExhausted;
  return false;
}

bool Agent::StartReply(const AgentConfig& config, TurnRecord& record) {
  Result<LlmClient*> llm = Llm(config);
  if (!llm) {
    record.outcome = TurnOutcome::kError;
    record.reason = reason::kClientError;
    log_.Warn("llm_client_error error={}", llm.error().ToString());
    return false;
  }
  return TakeLlmCall(config, record);
}

Task<void> Agent::StructuredCall(const AgentConfig& config, const std::string& user_text,
                                 TurnRecord& record, bool* spoken_early, Micros* llm_start,
                                 Result<LlmResponse>* out) {
  LlmRequest request = BaseRequest(config, user_text);
  request.response_schema = &config.schema;
  *llm_start = services_.clock->NowMicros();
  ++record.llm_calls;
  if (config.llm.stream) return CompleteStreamed(config, request, record, spoken_early, out);
  return CompleteLlm(config, request, record, out);
}

ParsedLlmOutput Agent::ReadStructured(const AgentConfig& config, const LlmResponse& response,
                                      Micros llm_start, TurnRecord& record,
                                      std::string payload_buffer) {
  record.output_tokens += response.output_tokens;
  record.timings.llm_ttft_us = response.first_token_at_us - llm_start;
  record.timings.llm_total_us = response.completed_at_us - llm_start;
  const Micros parse_start = services_.clock->NowMicros();
  LlmOutputOptions parse_options;
  parse_options.mode = config.schema.coercion();
  parse_options.text_field = config.tts.text_field;
  parse_options.keep_object = sentiment_analysis_;  // only FillSentiment reads the object
  ParsedLlmOutput parsed = ParseLlmOutput(response.text, config.schema, parse_options,
                                          std::move(payload_buffer));
  record.timings.parse_validate_us = services_.clock->NowMicros() - parse_start;
  record.validation_errors = static_cast<int>(parsed.violations.size());
  record.coercions = parsed.coercions.Total();
  record.coercion_kinds = parsed.coercions.NonZero();
  return parsed;
}

bool Agent::DeliverStructured(ParsedLlmOutput& parsed, bool spoken_early, TurnRecord& record,
                              Reply& reply) {
  if (parsed.structured() && interrupt_requested_) return true;
  if (parsed.structured()) {
    record.published_fields = parsed.room_fields;
    if (Status s = room_->PublishData(kStructuredOutputTopic, parsed.room_payload);
        !s) {
      log_.Warn("publish_failed error={}", s.error().ToString());
    }
    reply.delivered = true;
    reply.spoken = spoken_early;
    reply.spoken_text = std::move(parsed.spoken.text);
    reply.voice_instructions = std::move(parsed.spoken.voice_instructions);
    record.outcome = TurnOutcome::kStructured;
    // Streamed audio that already failed keeps its reason (tts_error, client_error).
    if (!record.text_only) record.reason = reason::kOk;
    return true;
  }
  record.reason = parsed.reason;
  log_.Info("structured_output_failed reason={} detail={} violations={} coercions={}",
            parsed.reason, parsed.detail, parsed.violations.size(), record.coercions);
  return false;
}

bool Agent::HandleStructured(const AgentConfig& config, const Result<LlmResponse>& response,
                             Micros llm_start, bool spoken_early, TurnRecord& record,
                             Reply& reply) {
  if (!response) {
    record.reason = reason::kLlmError;
    log_.Info("llm_error error={}", response.error().ToString());
    return false;
  }
  // The room payload is published and dropped within this call (no await): its buffer is kept
  // per thread for the next output, so a turn allocates no payload (sessions on one thread take
  // turns; other threads have their own).
  static thread_local std::string payload_buffer;
  ParsedLlmOutput parsed =
      ReadStructured(config, *response, llm_start, record, std::move(payload_buffer));
  const bool decided = DeliverStructured(parsed, spoken_early, record, reply);
  payload_buffer = std::move(parsed.room_payload);
  return decided;
}

Task<void> Agent::FallbackCall(const AgentConfig& config, const std::string& user_text,
                               TurnRecord& record, Micros* fallback_start,
                               Result<LlmResponse>* out) {
  LlmRequest plain = BaseRequest(config, user_text);
  *fallback_start = services_.clock->NowMicros();
  ++record.llm_calls;
  return CompleteLlm(config, plain, record, out);
}

void Agent::HandleFallback(Result<LlmResponse>& fallback, Micros fallback_start,
                           TurnRecord& record, Reply& reply) {
  if (!fallback) {
    record.outcome = TurnOutcome::kError;
    log_.Warn("fallback_llm_error error={}", fallback.error().ToString());
    return;
  }
  record.output_tokens += fallback->output_tokens;
  record.timings.fallback_llm_total_us = fallback->completed_at_us - fallback_start;
  record.outcome = TurnOutcome::kFallback;
  reply.delivered = true;
  reply.spoken_text = std::move(fallback->text);
}

// A coroutine keeps every local and temporary in its heap frame while a turn is in flight, so
// the work between the awaits is done by the plain functions above (their locals live on the
// stack); the frame keeps the reply, the response and a few scalars.
Task<void> Agent::GenerateReply(const AgentConfig& config, const std::string& user_text,
                                TurnRecord& record, Reply* out) {
  Reply& reply = *out;
  if (!StartReply(config, record)) co_return;
  // 1. Structured output.
  bool spoken_early = false;
  Micros start_us = 0;
  Result<LlmResponse> response;
  co_await StructuredCall(config, user_text, record, &spoken_early, &start_us, &response);
  if (response && sentiment_analysis_) {
    // The parsed output lives on the heap across the sentiment call (a rare path).
    auto parsed = std::make_unique<ParsedLlmOutput>(
        ReadStructured(config, *response, start_us, record));
    if (parsed->structured()) co_await FillSentiment(config, user_text, parsed.get(), record);
    if (DeliverStructured(*parsed, spoken_early, record, reply)) co_return;
  } else if (HandleStructured(config, response, start_us, spoken_early, record, reply)) {
    co_return;
  }

  // 2. Graceful degradation: plain text (not after a barge-in).
  if (interrupt_requested_) co_return;
  if (!TakeLlmCall(config, record)) co_return;
  co_await FallbackCall(config, user_text, record, &start_us, &response);
  HandleFallback(response, start_us, record, reply);
}

Task<Result<TtsResponse>> Agent::StartTts(const AgentConfig& config, const Reply& reply,
                                           TurnRecord& record) {
  Result<TtsClient*> tts = Tts(config);
  if (!tts) {
    if (record.reason == reason::kOk) record.reason = reason::kClientError;
    record.text_only = true;
    log_.Warn("tts_client_error error={}", tts.error().ToString());
    return {};
  }
  TtsRequest request;
  request.provider = config.tts.provider;
  request.voice = config.tts.voice;
  request.speed = config.tts.speed;
  request.text = reply.spoken_text;
  request.voice_instructions = reply.voice_instructions;
  request.seed = CallSeed("tts");
  return (*tts)->Synthesize(request);
}

void Agent::FinishSpeak(const Result<TtsResponse>& audio, const Reply& reply, Micros tts_start,
                        Micros user_turn_end_us, TurnRecord& record) {
  if (!audio) {
    // Text was delivered (published or in the transcript); only the audio is missing.
    if (record.reason == reason::kOk) record.reason = reason::kTtsError;
    record.text_only = true;
    log_.Warn("tts_error error={}", audio.error().ToString());
    return;
  }
  // Barge-in during synthesis: the audio is dropped and never plays, so it is not recorded
  // (no time to first audio, no duration) and nothing reaches the room.
  if (interrupt_requested_) return;
  // A fallback spoken after streamed audio keeps the first audio's TTS timings.
  if (record.timings.time_to_first_audio_us < 0) {
    record.timings.tts_ttfb_us = audio->first_byte_at_us - tts_start;
    record.timings.time_to_first_audio_us = audio->first_byte_at_us - user_turn_end_us;
  }
  record.audio_duration_us += audio->audio_duration_us;
  record.spoken_text_bytes += reply.spoken_text.size();
  if (voice_analytics_ && record.audio_duration_us > 0) {
    record.speaking_rate_bytes_per_s = static_cast<double>(record.spoken_text_bytes) * 1e6 /
                                       static_cast<double>(record.audio_duration_us);
  }
  AudioSegment segment{audio->first_byte_at_us, audio->audio_duration_us, audio->audio_bytes};
  if (Status s = room_->PublishAudio(segment); !s) {
    log_.Warn("publish_audio_failed error={}", s.error().ToString());
  }
}

Task<void> Agent::Speak(const AgentConfig& config, const Reply& reply, Micros user_turn_end_us,
                        TurnRecord& record) {
  Task<Result<TtsResponse>> call = StartTts(config, reply, record);
  if (!call.valid()) co_return;
  const Micros tts_start = services_.clock->NowMicros();
  Result<TtsResponse> audio = co_await std::move(call);
  FinishSpeak(audio, reply, tts_start, user_turn_end_us, record);
}

// Watches the streamed output; `ready` is set when the text field is complete or the call ended.
struct Agent::EarlyTts final : LlmStreamObserver {
  EarlyTts(Clock* clock, std::string field) : extractor(std::move(field)), ready(clock) {}
  void OnChunk(std::string_view chunk, Micros at_us) override {
    if (ready.is_set()) return;  // the field is being spoken: later attempts are not read
    if (std::optional<std::string> value = extractor.Feed(chunk)) {
      text = std::move(*value);
      ready_at_us = at_us;
      ready.Set();
    }
  }
  // A retry or failover: its output starts from the beginning, so the extractor does too.
  void OnRestart() override {
    if (!ready.is_set()) extractor = StreamFieldExtractor(extractor.field());
  }
  StreamFieldExtractor extractor;
  AsyncEvent ready;
  std::string text;
  Micros ready_at_us = -1;  // -1: the field never completed
  bool spoken = false;
};

Task<void> Agent::StreamLlm(const AgentConfig& config, LlmRequest request, TurnRecord& record,
                            EarlyTts* early, Result<LlmResponse>* out) {
  request.stream = early;
  co_await CompleteLlm(config, request, record, out);
  if (!early->ready.is_set()) early->ready.Set();  // the field never came: no early audio
}

Task<void> Agent::SpeakEarly(const AgentConfig& config, EarlyTts* early, TurnRecord& record) {
  co_await early->ready.Wait();
  if (early->ready_at_us < 0) co_return;
  record.timings.text_field_ready_us = early->ready_at_us - record.user_turn_end_us;
  early->spoken = true;
  Reply reply;
  reply.spoken_text = early->text;
  co_await Speak(config, reply, record.user_turn_end_us, record);
}

Task<void> Agent::CompleteStreamed(const AgentConfig& config, LlmRequest request,
                                   TurnRecord& record, bool* spoken, Result<LlmResponse>* out) {
  EarlyTts early(services_.clock, config.tts.text_field);
  std::vector<Task<void>> tasks;
  tasks.push_back(StreamLlm(config, request, record, &early, out));
  tasks.push_back(SpeakEarly(config, &early, record));
  co_await WhenAll(std::move(tasks));
  *spoken = early.spoken;
}

Task<void> Agent::FillSentiment(const AgentConfig& config, const std::string& user_text,
                                ParsedLlmOutput* parsed, TurnRecord& record) {
  const SchemaField* field = config.schema.Find("sentiment");
  if (field == nullptr) co_return;
  const bool defaulted = std::find(parsed->defaults_applied.begin(),
                                   parsed->defaults_applied.end(),
                                   "sentiment") != parsed->defaults_applied.end();
  if (parsed->object.contains("sentiment") && !defaulted) co_return;
  if (!TakeLlmCall(config, record)) {
    // The structured answer stands; only the sentiment is missing.
    record.outcome = TurnOutcome::kStructured;
    record.reason = reason::kOk;
    co_return;
  }
  LlmRequest request = BaseRequest(config, user_text);
  request.system_prompt =
      "Classify the sentiment of the user's message. Answer with one word: positive, neutral "
      "or negative.";
  ++record.llm_calls;
  Result<LlmResponse> answer;
  co_await CompleteLlm(config, request, record, &answer);
  if (!answer) {
    log_.Info("sentiment_call_failed error={}", answer.error().ToString());
    co_return;
  }
  record.output_tokens += answer->output_tokens;
  std::string word;
  for (char c : answer->text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '.') {
      if (!word.empty()) break;
      continue;
    }
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  nlohmann::json candidate = parsed->object;
  candidate["sentiment"] = word;
  if (!config.schema.Validate(candidate).empty()) {
    log_.Info("sentiment_answer_rejected answer_bytes={}", answer->text.size());
    co_return;
  }
  parsed->object = std::move(candidate);
  parsed->room_payload = config.schema.PublicPayloadText(parsed->object, &parsed->room_fields);
  record.sentiment_filled = true;
}

std::string_view ConfigReloadPolicyName(ConfigReloadPolicy policy) {
  return policy == ConfigReloadPolicy::kNextTurn ? "next_turn" : "until_reconnect";
}

Status Agent::NotifyConfigUpdate(std::string_view version) {
  if (closed_) return FailedPrecondition("session " + std::to_string(session_id_) + " is closed");
  ++config_updates_received_;
  nlohmann::json notice = {
      {"type", "config_changed"},
      {"message", "Agent configuration updated. Reconnect to use new version."},
      {"agent_id", config_->agent_id},
      {"version", version}};
  return room_->PublishData(kConfigUpdateTopic, notice.dump());
}

void Agent::Remember(const AgentConfig& config, std::string* user_text, std::string* reply_text) {
  const std::size_t bound = 2 * static_cast<std::size_t>(config.prompt.max_history_turns);
  if (bound == 0) {
    history_.clear();
    return;
  }
  // The oldest messages go first, so the history never holds more than `bound` messages and
  // its capacity grows (doubling) to `bound` at most.
  if (history_.size() + 2 > bound) {
    history_.erase(history_.begin(),
                   history_.begin() + static_cast<std::ptrdiff_t>(history_.size() + 2 - bound));
  }
  if (history_.capacity() < history_.size() + 2) {
    history_.reserve(std::min(std::max(2 * history_.capacity(), history_.size() + 2), bound));
  }
  history_.push_back(ChatMessage{ChatMessage::Role::kUser, std::move(*user_text)});
  history_.push_back(ChatMessage{ChatMessage::Role::kAssistant, std::move(*reply_text)});
}

void Agent::Close(std::function<void()> release) {
  if (closed_) return;
  closed_ = true;
  log_.Info("session_closed turn_in_flight={}", turn_in_flight_);
  if (turn_in_flight_) {
    interrupt_requested_ = true;
    release_ = std::move(release);
  }
}

void Agent::StartTurn(const std::string& user_text, Micros user_turn_end_us, TurnRecord& record) {
  record.Reset();
  record.session_id = session_id_;
  record.turn_index = turn_index_++;
  llm_calls_in_turn_ = 0;
  tts_calls_in_turn_ = 0;
  record.user_turn_end_us = user_turn_end_us;
  record.user_text_bytes = user_text.size();
  record.agent_id = config_->agent_id;
  record.config_version = config_->version;
  if (closed_) {
    record.outcome = TurnOutcome::kError;
    record.reason = reason::kSessionClosed;
    return;
  }
  // In flight from here: an Interrupt or Close during the config fetch cancels the turn too.
  turn_in_flight_ = true;
  interrupt_requested_ = false;
}

void Agent::UseFetchedConfig(Result<std::shared_ptr<const AgentConfig>>& fetched,
                             Micros fetch_start, TurnRecord& record) {
  record.timings.config_fetch_us = services_.clock->NowMicros() - fetch_start;
  if (fetched) {
    config_ = std::move(*fetched);
  } else {
    log_.Warn("config_fetch_failed error={}; using the session's version",
              fetched.error().ToString());
  }
}

bool Agent::TurnConfigEnabled(const AgentConfig& config, TurnRecord& record) {
  record.agent_id = config.agent_id;
  record.config_version = config.version;
  if (!config.enabled) {
    record.outcome = TurnOutcome::kError;
    record.reason = reason::kAgentDisabled;
    return false;
  }
  return true;
}

void Agent::EndTurn(Micros user_turn_end_us, TurnRecord& record) {
  turn_in_flight_ = false;
  if (interrupt_requested_) {
    record.interrupted = true;
    record.reason = closed_ ? reason::kSessionClosed : reason::kInterrupted;
    interrupt_requested_ = false;
  }
  record.timings.turn_total_us = services_.clock->NowMicros() - user_turn_end_us;
  log_.Debug("turn_done turn={} outcome={} reason={} ttfa_us={}", record.turn_index,
             TurnOutcomeName(record.outcome), record.reason,
             record.timings.time_to_first_audio_us);
  if (release_) {
    // The last use of the agent: the hook may destroy it (SessionManager::EndSession).
    std::function<void()> release = std::move(release_);
    release();
  }
}

Task<TurnRecord> Agent::HandleTurn(std::string user_text, Micros user_turn_end_us) {
  TurnRecord record;
  co_await RunTurn(std::move(user_text), user_turn_end_us, &record);
  co_return record;
}

// The work between the awaits is in the plain functions above: the frame keeps the reply and
// the turn's config while the turn is in flight; the record is the caller's.
Task<void> Agent::RunTurn(std::string user_text, Micros user_turn_end_us, TurnRecord* out) {
  TurnRecord& record = *out;
  StartTurn(user_text, user_turn_end_us, record);
  if (closed_) co_return;  // StartTurn made the error record

  if (services_.reload_policy == ConfigReloadPolicy::kNextTurn && !RefreshFromL1(record)) {
    co_await RefreshConfig(&record);
  }
  // A turn uses one version throughout: `config` is not reassigned below.
  const std::shared_ptr<const AgentConfig> config_holder = config_;
  const AgentConfig& config = *config_holder;
  if (TurnConfigEnabled(config, record) && !interrupt_requested_) {
    Reply reply;
    co_await GenerateReply(config, user_text, record, &reply);
    if (reply.delivered && !interrupt_requested_) {
      if (!reply.spoken) co_await Speak(config, reply, user_turn_end_us, record);
    }
    if (reply.delivered && !interrupt_requested_) {
      Remember(config, &user_text, &reply.spoken_text);
    }
  }
  EndTurn(user_turn_end_us, record);
}

bool Agent::RefreshFromL1(TurnRecord& record) {
  const Micros fetch_start = services_.clock->NowMicros();
  std::optional<Result<std::shared_ptr<const AgentConfig>>> hit =
      services_.configs->FindLiveInL1(config_->agent_id);
  if (!hit) return false;
  UseFetchedConfig(*hit, fetch_start, record);
  return true;
}

// Its own coroutine, so that the fetched result is not kept in RunTurn's frame for the turn.
Task<void> Agent::RefreshConfig(TurnRecord* record) {
  const Micros fetch_start = services_.clock->NowMicros();
  Result<std::shared_ptr<const AgentConfig>> fetched =
      co_await services_.configs->GetAgentConfig(config_->agent_id);
  UseFetchedConfig(fetched, fetch_start, *record);
}

}  // namespace agentsim
