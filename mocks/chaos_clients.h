// Fault-injecting wrappers of the LLM and TTS ports (as RocksDB's FaultInjectionFileSystem):
// each call first meets the run's timeline outages, then the chaos sites of its backend
// (mocks/chaos_sites.h) in table order; the first that refuses the call decides its error, a
// stall delays it, and otherwise the call goes to the wrapped client unchanged (same request,
// same draws). Every fault injected is logged in the FaultControl with its site ("timeline" or
// the chaos site's name; backend "llm" or "tts", provider = request.provider).
//
//   timeline outage      kUnavailable after error_after_us
//   <b>.error            kUnavailable after error_after_us
//   <b>.timeout          hangs hang_us, then kDeadlineExceeded
//   llm.rate_limit       kResourceExhausted after error_after_us, Retry-After retry_after_us
//   <b>.stall            sleeps stall_us, then calls the wrapped client
//   llm.malformed        (a successful, non-streaming structured call) the output text becomes
//                        one of the 12 malformations of mocks/malformed_output.h, picked
//                        uniformly from the site's detail stream (fenced when it does not apply)
#pragma once

#include "core/async/event_loop.h"
#include "core/ports/llm_client.h"
#include "core/ports/tts_client.h"
#include "mocks/chaos_control.h"

namespace agentsim {

class ChaosLlm final : public LlmClient {
 public:
  // Not owned; REQUIRES: all outlive the wrapper.
  ChaosLlm(LlmClient* inner, FaultControl* control, EventLoop* loop)
      : inner_(inner), control_(control), loop_(loop) {}
  Task<Result<LlmResponse>> Complete(LlmRequest request) override;

 private:
  LlmClient* inner_;
  FaultControl* control_;
  EventLoop* loop_;
};

class ChaosTts final : public TtsClient {
 public:
  // Not owned; REQUIRES: all outlive the wrapper.
  ChaosTts(TtsClient* inner, FaultControl* control, EventLoop* loop)
      : inner_(inner), control_(control), loop_(loop) {}
  Task<Result<TtsResponse>> Synthesize(TtsRequest request) override;

 private:
  TtsClient* inner_;
  FaultControl* control_;
  EventLoop* loop_;
};

}  // namespace agentsim
