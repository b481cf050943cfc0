// ClientFactory (seed: "Lazy Loading"): makes the LLM and TTS clients an agent uses from its
// config. Agents ask for a client on first use only, so a session that never reaches a turn
// never constructs one; the factory counts constructions. Secrets referenced by
// llm_config.api_key_env are resolved here (through a SecretResolver), never stored in configs.
#pragma once

#include <cstdint>

#include "core/config/agent_config.h"
#include "core/ports/llm_client.h"
#include "core/ports/tts_client.h"
#include "core/util/error.h"

namespace agentsim {

class ClientFactory {
 public:
  struct Stats {
    std::uint64_t llm_clients_created = 0;
    std::uint64_t tts_clients_created = 0;
    std::uint64_t failures = 0;  // e.g. a secret that could not be resolved
  };

  virtual ~ClientFactory() = default;
  // A client for `config`, owned by the factory and valid while it lives. Errors: kNotFound
  // (the api_key_env secret is not set), kInvalidArgument (unknown provider).
  virtual Result<LlmClient*> CreateLlm(const LlmConfig& config) = 0;
  virtual Result<TtsClient*> CreateTts(const TtsConfig& config) = 0;
  virtual const Stats& stats() const = 0;
};

}  // namespace agentsim
