#include "mocks/mock_llm.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/schema/dynamic_schema.h"
#include "core/json/compact_json.h"
#include "core/util/round.h"
#include "mocks/schema_value_generator.h"

namespace agentsim {

std::string_view MalformedKindName(MalformedKind kind) {
  switch (kind) {
    case MalformedKind::kNotJson: return "not_json";
    case MalformedKind::kMissingRequired: return "missing_required";
    case MalformedKind::kWrongType: return "wrong_type";
  }
  return "not_json";
}

namespace {

BackendFaults DefaultFaults(const MockLlmOptions& o) {
  BackendFaults f = o.faults;
  f.error_rate = std::max(f.error_rate, o.error_rate);
  return f;
}

}  // namespace

MockLlm::MockLlm(EventLoop* loop, Rng rng, MockLlmOptions options, const ResponseCorpus* corpus)
    : loop_(loop),
      rng_(rng),
      options_(options),
      ttft_ms_(options_.ttft_ms),
      per_token_ms_(options_.per_token_ms),
      corpus_(corpus),
      generator_(corpus),
      faults_("llm", "mock LLM", DefaultFaults(options_), options_.provider_faults) {}

namespace {

MalformedKind PickKind(const MockLlmOptions& o, Rng& rng) {
  const double total = o.not_json_weight + o.missing_required_weight + o.wrong_type_weight;
  const double x = rng.Uniform01() * total;
  if (x < o.not_json_weight) return MalformedKind::kNotJson;
  if (x < o.not_json_weight + o.missing_required_weight) return MalformedKind::kMissingRequired;
  return MalformedKind::kWrongType;
}

}  // namespace

std::string MockLlm::GenerateStructured(const DynamicSchema& schema, Rng& rng) {
  // The answer's text straight from the generator (no JSON tree); a malformed answer (rare)
  // rebuilds the same object as a tree from the same draws, to edit it.
  const Rng before = rng;
  std::string text;
  generator_.AppendObjectText(schema, options_.optional_field_rate, rng, text);
  if (!rng.Bernoulli(options_.malformed_rate)) return text;
  Rng replay = before;
  nlohmann::ordered_json object = generator_.Object(schema, options_.optional_field_rate, replay);

  double extra_total = 0;
  for (double w : options_.malformation_weights) extra_total += w;
  if (extra_total > 0) {
    // One pick over the three kinds and the malformations.
    const double base = options_.not_json_weight + options_.missing_required_weight +
                        options_.wrong_type_weight;
    double x = rng.Uniform01() * (base + extra_total) - base;
    if (x >= 0) {
      int m = 0;
      while (m + 1 < kOutputMalformationCount &&
             x >= options_.malformation_weights[static_cast<std::size_t>(m)]) {
        x -= options_.malformation_weights[static_cast<std::size_t>(m)];
        ++m;
      }
      auto malformation = static_cast<OutputMalformation>(m);
      std::optional<std::string> malformed = MalformOutput(text, malformation, schema, rng);
      if (!malformed) {
        malformation = OutputMalformation::kFenced;
        malformed = MalformOutput(text, malformation, schema, rng);
      }
      ++stats_.malformations[m];
      return malformed.value_or(text);
    }
  }
  MalformedKind kind = PickKind(options_, rng);
  if (kind == MalformedKind::kMissingRequired) {
    std::vector<std::string> required;
    for (const SchemaField& f : schema.fields()) {
      if (f.required && object.contains(f.name)) required.push_back(f.name);
    }
    if (required.empty()) {
      kind = MalformedKind::kNotJson;
    } else {
      object.erase(required[rng.Index(required.size())]);
    }
  } else if (kind == MalformedKind::kWrongType) {
    std::vector<const SchemaField*> present;
    for (const SchemaField& f : schema.fields()) {
      if (object.contains(f.name)) present.push_back(&f);
    }
    if (present.empty()) {
      kind = MalformedKind::kNotJson;
    } else {
      const SchemaField* f = present[rng.Index(present.size())];
      object[f->name] = generator_.WrongTypeValue(*f, rng);
    }
  }
  ++stats_.malformed[static_cast<int>(kind)];
  if (kind == MalformedKind::kNotJson) {
    // Prose around the object, as a model that ignores the response format does.
    return "Sure! Here is my answer: " + CompactJson(object) + " Let me know if you need more.";
  }
  return CompactJson(object);
}

std::string MockLlm::GenerateText(const LlmRequest& request, Rng& rng) {
  if (request.response_schema != nullptr) {
    ++stats_.structured_calls;
    return GenerateStructured(*request.response_schema, rng);
  }
  const auto& replies = corpus_->PlainReplies();
  return replies.empty() ? std::string("Could you tell me more?") : replies[rng.Index(replies.size())];
}

// What Complete decides when the call is made, and the answer Respond builds from it.
struct MockLlm::CallPlan {
  Micros issued_at_us = 0;
  FaultDecision fault;
  Micros ttft = 0;
  double per_token_ms = 0;
  std::string text;
  Micros first_token_at_us = 0;
  int tokens = 0;
  int max_tokens = 0;                    // the request's
  LlmStreamObserver* stream = nullptr;   // the request's
};

// Not a coroutine: the draws and the answer are made when the call is made (right before it is
// awaited, at the same virtual instant), so the request is not copied into the frame of the
// call in flight; Respond's frame keeps only the plan.
Task<Result<LlmResponse>> MockLlm::Complete(LlmRequest request) {
  CallPlan plan;
  ++stats_.calls;
  Rng rng = rng_.Fork(request.seed);
  Rng fault_rng = rng.Fork("faults");
  plan.issued_at_us = loop_->NowMicros();
  plan.fault = faults_.Decide(request.provider, plan.issued_at_us, fault_rng);
  plan.ttft = ttft_ms_.SampleMillisAsMicros(rng) + plan.fault.stall_us;
  plan.per_token_ms = per_token_ms_.Sample(rng);
  if (!plan.fault.failure) plan.text = GenerateText(request, rng);
  if (plan.fault.stall_us > 0) ++stats_.stalls;
  plan.max_tokens = request.max_tokens;
  plan.stream = request.stream;
  return Respond(std::move(plan));
}

// The work between the waits is done by the lambdas (plain functions, their locals on the
// stack): GCC 12 keeps every local and temporary of a coroutine body in its heap frame.
Task<Result<LlmResponse>> MockLlm::Respond(CallPlan plan) {
  co_await loop_->Sleep(plan.fault.failure == FaultKind::kTimeout ? plan.fault.hang_us
                                                                  : plan.ttft);
  if (!plan.fault.failure) {
    // About four bytes of text per token; a length limit cuts the output. Returns how long
    // the rest of the tokens take.
    const Micros streaming = [this](CallPlan& p) {
      p.first_token_at_us = loop_->NowMicros();
      p.tokens = std::max(1, static_cast<int>((p.text.size() + 3) / 4));
      if (p.max_tokens > 0 && p.tokens > p.max_tokens) {
        ++stats_.truncated;
        p.tokens = p.max_tokens;
        p.text.resize(static_cast<std::size_t>(p.tokens) * 4);
      }
      return static_cast<Micros>(RoundHalfAway(p.per_token_ms * 1000.0 * (p.tokens - 1)));
    }(plan);
    if (plan.stream == nullptr) {
      co_await loop_->Sleep(streaming);
    } else {
      // Token i (four bytes) arrives per_token_ms * i after the first: the last one at the
      // same instant as without a stream, and no extra draws.
      for (int i = 0; i < plan.tokens; ++i) {
        if (i > 0) {
          co_await loop_->SleepUntil(
              plan.first_token_at_us +
              static_cast<Micros>(RoundHalfAway(plan.per_token_ms * 1000.0 * i)));
        }
        [this](const CallPlan& p, int token) {
          const std::size_t at = static_cast<std::size_t>(token) * 4;
          const std::string_view chunk =
              at < p.text.size() ? std::string_view(p.text).substr(at, 4) : std::string_view();
          p.stream->OnChunk(chunk, loop_->NowMicros());
        }(plan, i);
      }
    }
  }
  co_return [this](CallPlan& p) -> Result<LlmResponse> {
    if (p.fault.failure) {
      ++stats_.errors;
      if (p.fault.failure == FaultKind::kTimeout) ++stats_.timeouts;
      if (p.fault.failure == FaultKind::kRateLimited) ++stats_.rate_limited;
      if (p.fault.failure == FaultKind::kOutage) ++stats_.outages;
      return std::unexpected(faults_.ToError(p.fault, p.issued_at_us));
    }
    LlmResponse response;
    response.first_token_at_us = p.first_token_at_us;
    response.completed_at_us = loop_->NowMicros();
    response.output_tokens = p.tokens;
    response.text = std::move(p.text);
    return response;
  }(plan);
}

}  // namespace agentsim
