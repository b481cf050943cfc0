// AgentConfig: one version of an agent's configuration, with the seed's fields
// (agent_id, version, tenant_config, prompt_config, schema_config, llm_config, tts_config,
// feature_flags, enabled). Parsed from JSON; every problem is reported with file, line:column
// and JSON pointer, all at once.
//
// Keys beyond the seed's (documented in docs/agent-config.md):
//   prompt_config.max_history_turns  history bound: user+assistant pairs kept (default 10)
//   tts_config.text_field            which schema field is spoken (default "system_response")
//   tenant_config.tier               free | pro | enterprise (default "free")
//   schema_config.coercion           strict | lenient (default "strict"): how LLM output is read;
//                                    compiled into the schema (DynamicSchema::coercion())
//   llm_config.fallback_providers    [{provider, model, api_key_env?}] tried in order on failure
//   llm_config.retry                 {max_attempts, base_delay_ms, max_delay_ms, deadline_ms,
//                                     call_timeout_ms} (core/resilience/backoff.h)
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"
#include "core/resilience/backoff.h"
#include "core/schema/dynamic_schema.h"
#include "core/util/error.h"

namespace agentsim {

class SchemaRegistry;  // core/schema/schema_registry.h

struct TenantConfig {
  std::string tenant_id;
  std::string tier = "free";
};

struct PromptConfig {
  std::string system_prompt;
  int max_history_turns = 10;
};

// One entry of llm_config.fallback_providers: a provider tried when the ones before it fail.
struct LlmFallback {
  std::string provider;
  std::string model;
  std::string api_key_env;  // optional; a reference to a secret, never the secret
};

struct LlmConfig {
  std::string provider;
  std::string model;
  double temperature = 0.7;  // 0..2 (seed: "Temperature must be <= 2.0")
  int max_tokens = 512;
  std::string api_key_env;   // a reference to a secret, never the secret
  // llm_config.fallback_providers, in order (at most 8); empty: no fallback provider.
  std::vector<LlmFallback> fallback_providers;
  // llm_config.retry {max_attempts, base_delay_ms, max_delay_ms, deadline_ms, call_timeout_ms},
  // in µs here; absent keys keep RetryPolicy's defaults (one attempt, no timeout, no deadline).
  RetryPolicy retry;
  // llm_config.stream (default false): stream the structured output and start TTS as soon as
  // the tts text field's value is complete (core/agent/stream_field_extractor.h).
  bool stream = false;
};

struct TtsConfig {
  std::string provider;
  std::string voice;
  double speed = 1.0;
  std::string text_field = "system_response";
};

struct AgentConfig {
  std::string agent_id;
  std::string version;
  TenantConfig tenant;
  PromptConfig prompt;
  DynamicSchema schema;
  LlmConfig llm;
  TtsConfig tts;
  std::map<std::string, bool> feature_flags;  // ordered: deterministic output
  bool enabled = true;
  nlohmann::json raw;  // the document as given

  // seed: `config.get("feature_flags", {}).get(feature, False)`.
  bool IsFeatureEnabled(const std::string& flag) const;
};

// Parses and checks one config document. Errors: kInvalidArgument, message lines
// "<file>:<line>:<col>: <pointer>: <what was expected>".
// With a `registry`, the schema comes from (or is added to) it, so configs declaring the same
// schema_config share one compiled DynamicSchema; nullptr compiles it afresh.
Result<AgentConfig> ParseAgentConfig(const JsonDocument& doc, SchemaRegistry* registry = nullptr);
// Convenience: parse text first (syntax errors carry line:column as well).
Result<AgentConfig> ParseAgentConfig(std::string source_name, std::string json_text,
                                     SchemaRegistry* registry = nullptr);

}  // namespace agentsim
