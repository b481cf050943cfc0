#include "sim/sim_client_factory.h"

namespace agentsim {

Result<LlmClient*> SimClientFactory::CreateLlm(const LlmConfig& config) {
  if (!config.api_key_env.empty()) {
    // The value is only checked for presence: the mock needs no key. It is never logged.
    Result<Secret> key = secrets_->Resolve(config.api_key_env);
    if (!key) {
      ++stats_.failures;
      return std::unexpected(key.error());
    }
  }
  ++stats_.llm_clients_created;
  return llm_;
}

Result<TtsClient*> SimClientFactory::CreateTts(const TtsConfig&) {
  ++stats_.tts_clients_created;
  return tts_;
}

}  // namespace agentsim
