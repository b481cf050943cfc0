// LlmClient port: one chat completion, structured (JSON for a schema) or plain text.
// Mocks complete through the event loop after their modelled latency; a real adapter would call
// a provider. Time fields are instants on the session's Clock, in µs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

class DynamicSchema;

// Receives a streamed completion as it arrives (llm_config.stream). A client that streams calls
// OnChunk with each chunk of the output text, in order, at the virtual instant it arrived (µs on
// the session's Clock); the chunks concatenate to LlmResponse::text. A failed call may have
// delivered some chunks before its error. Clients that cannot stream never call it: the
// response still carries the whole text.
//
// Through CompleteResilient (core/resilience/resilient_llm.h) one observer sees every attempt of
// a call: OnRestart comes before each attempt after the first (the chunks before it belong to
// an attempt whose output is dropped), and an attempt cut by its timeout delivers nothing more
// (its call runs on detached, and may outlive the observer).
class LlmStreamObserver {
 public:
  virtual ~LlmStreamObserver() = default;
  virtual void OnChunk(std::string_view chunk, Micros at_us) = 0;
  virtual void OnRestart() {}
};

struct ChatMessage {
  enum class Role { kSystem, kUser, kAssistant };
  Role role = Role::kUser;
  std::string content;
};

// REQUIRES: everything referenced (strings, history, schema) outlives the awaited call.
struct LlmRequest {
  std::string_view provider;
  std::string_view model;
  double temperature = 0.7;
  int max_tokens = 512;
  std::string_view system_prompt;
  std::span<const ChatMessage> history;  // oldest first, already bounded by the agent
  std::string_view user_text;
  // Structured output: the JSON object must satisfy this schema. nullptr asks for plain text
  // (the seed's graceful-degradation path).
  const DynamicSchema* response_schema = nullptr;
  // Sampling seed (as OpenAI's `seed`), drawn from the session's RNG stream: a mock derives all
  // of its choices for this call from it, so a call's output depends only on (run seed, session,
  // turn, attempt).
  std::uint64_t seed = 0;
  // Optional (not owned; REQUIRES: outlives the awaited call): streamed chunks go here. Setting
  // it changes neither the output nor its timing.
  LlmStreamObserver* stream = nullptr;
};

struct LlmResponse {
  std::string text;               // raw model output (JSON text when structured was requested)
  Micros first_token_at_us = 0;   // instant the first token arrived
  Micros completed_at_us = 0;     // instant the last token arrived
  int output_tokens = 0;
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // Errors: kUnavailable (provider error), kDeadlineExceeded, kResourceExhausted (rate limit).
  virtual Task<Result<LlmResponse>> Complete(LlmRequest request) = 0;
};

}  // namespace agentsim
