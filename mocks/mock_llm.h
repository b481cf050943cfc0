// Mock LLM backend for the simulator.
//
// Output: deterministic in (backend stream, request.seed). For a structured request, a JSON
// object valid for the schema (types, Literals, constraints respected; strings from the
// ResponseCorpus), fields in schema order, optional fields present with probability
// `optional_field_rate`. With probability `malformed_rate` the output is malformed instead, of
// one of the kinds below (weights from the options), so that fallback runs. A plain-text
// request gets one corpus reply. Output longer than max_tokens is cut there (a truncated
// object, as a real length limit gives).
//
// Timing: time to first token ~ LogNormal(ttft_ms), then each token at a per-call rate
// ~ LogNormal(per_token_ms). The call completes through the event loop (two sleeps), never
// inline. Errors (kUnavailable) with probability `error_rate`, after the time to first token.
#pragma once

#include <cstdint>
#include <string>

#include "core/async/event_loop.h"
#include "core/ports/llm_client.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"
#include "mocks/response_corpus.h"

namespace agentsim {

enum class MalformedKind { kNotJson, kMissingRequired, kWrongType };
std::string_view MalformedKindName(MalformedKind kind);

struct MockLlmOptions {
  LogNormalSpec ttft_ms{350.0, 900.0};
  LogNormalSpec per_token_ms{12.0, 25.0};
  double optional_field_rate = 0.8;
  double malformed_rate = 0.05;
  // Relative weights of the malformed kinds.
  double not_json_weight = 1.0;
  double missing_required_weight = 1.0;
  double wrong_type_weight = 1.0;
  double error_rate = 0.0;
};

class MockLlm final : public LlmClient {
 public:
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t structured_calls = 0;
    std::uint64_t malformed[3] = {0, 0, 0};  // by MalformedKind
    std::uint64_t errors = 0;
    std::uint64_t truncated = 0;
  };

  // `corpus` not owned; REQUIRES: loop and corpus outlive the mock.
  MockLlm(EventLoop* loop, Rng rng, MockLlmOptions options, const ResponseCorpus* corpus);

  Task<Result<LlmResponse>> Complete(LlmRequest request) override;

  // The text a request gets (no timing); exposed for tests.
  std::string GenerateText(const LlmRequest& request, Rng& rng);

  const Stats& stats() const { return stats_; }

 private:
  std::string GenerateStructured(const DynamicSchema& schema, Rng& rng);

  EventLoop* loop_;
  Rng rng_;
  MockLlmOptions options_;
  const ResponseCorpus* corpus_;
  Stats stats_;
};

}  // namespace agentsim
