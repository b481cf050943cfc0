// Test doubles shared by the agent tests: a ClientFactory that hands out given clients, and a
// TTS whose first byte arrives 50 ms after the request with 2 s (4,800 bytes) of audio.
#pragma once

#include "core/agent/client_factory.h"
#include "core/async/event_loop.h"
#include "core/ports/tts_client.h"

namespace agentsim::agent_test_clients {

class FixedClientFactory : public ClientFactory {
 public:
  FixedClientFactory(LlmClient* llm, TtsClient* tts) : llm_(llm), tts_(tts) {}
  Result<LlmClient*> CreateLlm(const LlmConfig&) override { return llm_; }
  Result<TtsClient*> CreateTts(const TtsConfig&) override { return tts_; }
  const Stats& stats() const override { return stats_; }

 private:
  LlmClient* llm_;
  TtsClient* tts_;
  Stats stats_;
};

class FixedTts : public TtsClient {
 public:
  explicit FixedTts(EventLoop* loop) : loop_(loop) {}
  Task<Result<TtsResponse>> Synthesize(TtsRequest) override {
    co_await loop_->Sleep(50'000);
    TtsResponse r;
    r.first_byte_at_us = loop_->NowMicros();
    r.completed_at_us = r.first_byte_at_us;
    r.audio_duration_us = 2'000'000;
    r.audio_bytes = 4800;
    co_return r;
  }

 private:
  EventLoop* loop_;
};

}  // namespace agentsim::agent_test_clients
