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
// inline. With request.stream set, the output is streamed in tokens of four bytes, token i at
// first token + per_token_ms * i (one sleep each): same text, same instants, same draws.
//
// Faults (mocks/backend_faults.h), per provider: request.provider's entry of `provider_faults`,
// or `faults` for the others (whose error rate is the larger of `error_rate` and
// faults.error_rate). Outages, errors and rate limits fail after the time to first token; a
// timeout hangs for hang_us and then fails with kDeadlineExceeded; a stall delays the first
// token. Fault draws come from the call's stream forked with "faults", so a run without faults
// draws exactly what it did before fault models existed.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/async/event_loop.h"
#include "core/ports/llm_client.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"
#include "mocks/backend_faults.h"
#include "mocks/malformed_output.h"
#include "mocks/response_corpus.h"
#include "mocks/schema_value_generator.h"

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
  // Relative weights of the output malformations of mocks/malformed_output.h (fenced, prose,
  // trailing commas, string-encoded numbers, wrong-case enums, truncated, refusal, empty, ...),
  // drawn in the same pick as the three kinds above; all 0 (the default) keeps the pick, and
  // every draw, as it was. A malformation that does not apply to the object gives `fenced`.
  std::array<double, kOutputMalformationCount> malformation_weights{};
  double error_rate = 0.0;
  BackendFaults faults;  // providers without an entry below
  std::map<std::string, BackendFaults, std::less<>> provider_faults;
};

class MockLlm final : public LlmClient {
 public:
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t structured_calls = 0;
    std::uint64_t malformed[3] = {0, 0, 0};  // by MalformedKind
    std::uint64_t malformations[kOutputMalformationCount] = {};  // by OutputMalformation
    std::uint64_t errors = 0;      // calls that failed, whatever the fault
    std::uint64_t truncated = 0;
    std::uint64_t timeouts = 0;    // calls that hung (counted in errors)
    std::uint64_t rate_limited = 0;
    std::uint64_t outages = 0;
    std::uint64_t stalls = 0;
  };

  // `corpus` not owned; REQUIRES: loop and corpus outlive the mock.
  MockLlm(EventLoop* loop, Rng rng, MockLlmOptions options, const ResponseCorpus* corpus);

  Task<Result<LlmResponse>> Complete(LlmRequest request) override;

  // The text a request gets (no timing); exposed for tests.
  std::string GenerateText(const LlmRequest& request, Rng& rng);

  const Stats& stats() const { return stats_; }
  // Every fault injected, in the order the calls were issued.
  const std::vector<InjectedFault>& faults_injected() const { return faults_.log(); }

 private:
  std::string GenerateStructured(const DynamicSchema& schema, Rng& rng);
  // Complete's coroutine: the waits and the answer of a call planned by Complete.
  struct CallPlan;
  Task<Result<LlmResponse>> Respond(CallPlan plan);

  EventLoop* loop_;
  Rng rng_;
  MockLlmOptions options_;
  LogNormalSampler ttft_ms_;       // options_.ttft_ms
  LogNormalSampler per_token_ms_;  // options_.per_token_ms
  const ResponseCorpus* corpus_;
  SchemaValueGenerator generator_;  // caches per-schema text (keys, Literals, candidates)
  Stats stats_;
  FaultInjector faults_;
};

}  // namespace agentsim
