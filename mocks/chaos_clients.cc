#include "mocks/chaos_clients.h"

#include <optional>
#include <string>

#include "mocks/malformed_output.h"

namespace agentsim {
namespace {

// The refusal of a call by a timeline outage or an error/timeout/rate-limit site: what the
// caller sees and after how long. nullopt: the call goes through.
struct Refusal {
  Micros after_us = 0;
  Error error;
};

std::optional<Refusal> Refuse(FaultControl& c, std::string_view backend,
                              std::string_view provider, std::string_view label,
                              ChaosSite error_site, ChaosSite timeout_site,
                              std::optional<ChaosSite> rate_limit_site) {
  const ChaosOptions& o = c.chaos_options();
  const std::string who(label);
  if (c.InOutage(backend, provider)) {
    c.Log(backend, std::string(provider), FaultKind::kOutage, "timeline");
    return Refusal{o.error_after_us,
                   Error{ErrorCode::kUnavailable, who + ": unavailable (outage started by the "
                                                        "timeline)"}};
  }
  if (c.Fire(error_site)) {
    c.Log(backend, std::string(provider), FaultKind::kError, ChaosSiteName(error_site));
    return Refusal{o.error_after_us,
                   Error{ErrorCode::kUnavailable,
                         who + ": provider error (chaos " + std::string(ChaosSiteName(error_site)) +
                             ")"}};
  }
  if (c.Fire(timeout_site)) {
    c.Log(backend, std::string(provider), FaultKind::kTimeout, ChaosSiteName(timeout_site));
    return Refusal{o.hang_us, Error{ErrorCode::kDeadlineExceeded,
                                    who + ": no response (chaos " +
                                        std::string(ChaosSiteName(timeout_site)) + ")"}};
  }
  if (rate_limit_site && c.Fire(*rate_limit_site)) {
    c.Log(backend, std::string(provider), FaultKind::kRateLimited,
          ChaosSiteName(*rate_limit_site));
    return Refusal{o.error_after_us,
                   Error{ErrorCode::kResourceExhausted,
                         who + ": rate limited (retry after " +
                             std::to_string(o.retry_after_us / kMicrosPerMilli) + " ms; chaos)",
                         o.retry_after_us}};
  }
  return std::nullopt;
}

}  // namespace

Task<Result<LlmResponse>> ChaosLlm::Complete(LlmRequest request) {
  FaultControl& c = *control_;
  std::optional<Refusal> refused = Refuse(c, "llm", request.provider, "mock LLM",
                                          ChaosSite::kLlmError, ChaosSite::kLlmTimeout,
                                          ChaosSite::kLlmRateLimit);
  if (refused) {
    co_await loop_->Sleep(refused->after_us);
    co_return std::unexpected(std::move(refused->error));
  }
  if (c.Fire(ChaosSite::kLlmStall)) {
    c.Log("llm", std::string(request.provider), FaultKind::kStall,
          ChaosSiteName(ChaosSite::kLlmStall));
    co_await loop_->Sleep(c.chaos_options().stall_us);
  }
  const DynamicSchema* schema = request.response_schema;
  const bool streamed = request.stream != nullptr;
  const std::string provider(request.provider);
  Result<LlmResponse> response = co_await inner_->Complete(std::move(request));
  if (response && schema != nullptr && !streamed && c.Fire(ChaosSite::kLlmMalformed)) {
    Rng& rng = c.chaos()->Detail(ChaosSite::kLlmMalformed);
    const auto kind = static_cast<OutputMalformation>(rng.Index(kOutputMalformationCount));
    std::optional<std::string> text = MalformOutput(response->text, kind, *schema, rng);
    if (!text) text = MalformOutput(response->text, OutputMalformation::kFenced, *schema, rng);
    if (text) response->text = std::move(*text);
    c.Log("llm", provider, FaultKind::kMalformed, ChaosSiteName(ChaosSite::kLlmMalformed));
  }
  co_return response;
}

Task<Result<TtsResponse>> ChaosTts::Synthesize(TtsRequest request) {
  FaultControl& c = *control_;
  std::optional<Refusal> refused = Refuse(c, "tts", request.provider, "mock TTS",
                                          ChaosSite::kTtsError, ChaosSite::kTtsTimeout,
                                          std::nullopt);
  if (refused) {
    co_await loop_->Sleep(refused->after_us);
    co_return std::unexpected(std::move(refused->error));
  }
  if (c.Fire(ChaosSite::kTtsStall)) {
    c.Log("tts", std::string(request.provider), FaultKind::kStall,
          ChaosSiteName(ChaosSite::kTtsStall));
    co_await loop_->Sleep(c.chaos_options().stall_us);
  }
  Result<TtsResponse> response = co_await inner_->Synthesize(std::move(request));
  co_return response;
}

}  // namespace agentsim
