// The simulator's ClientFactory: every LLM client is the shared MockLlm and every TTS client the
// shared MockTts (or their fault-injecting wrappers, mocks/chaos_clients.h), but creating one
// resolves llm_config.api_key_env through the scenario's SecretResolver first (a missing secret
// fails the client, as in production) and is counted.
#pragma once

#include "core/agent/client_factory.h"
#include "core/security/secret_resolver.h"
#include "mocks/mock_llm.h"
#include "mocks/mock_tts.h"

namespace agentsim {

class SimClientFactory final : public ClientFactory {
 public:
  // Not owned; REQUIRES: all outlive the factory.
  SimClientFactory(LlmClient* llm, TtsClient* tts, SecretResolver* secrets)
      : llm_(llm), tts_(tts), secrets_(secrets) {}

  Result<LlmClient*> CreateLlm(const LlmConfig& config) override;
  Result<TtsClient*> CreateTts(const TtsConfig& config) override;
  const Stats& stats() const override { return stats_; }

 private:
  LlmClient* llm_;
  TtsClient* tts_;
  SecretResolver* secrets_;
  Stats stats_;
};

}  // namespace agentsim
