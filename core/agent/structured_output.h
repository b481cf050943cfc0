// Parsing an LLM's structured output against the agent's schema (seed: "Schema Design",
// "Graceful Degradation"): the raw text must be one JSON object that satisfies the schema; any
// other outcome is a reason to fall back to plain text.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/dynamic_schema.h"

namespace agentsim {

struct StructuredOutput {
  bool ok = false;
  std::string_view reason;           // reason::kOk or a failure code of ParseLlmOutput
  nlohmann::json object;             // the parsed object (when it parsed; defaults filled if ok)
  std::vector<Violation> violations; // when reason is validation_failed
};

// Strict: the whole text must be a JSON object (no prose, no fences). ParseLlmOutput
// (core/agent/llm_output_parser.h) in strict mode with its default limits; its reason codes
// (empty_output, truncated, multiple_objects, ...). Never throws.
StructuredOutput ParseStructuredOutput(std::string_view raw, const DynamicSchema& schema);

// The text TTS speaks and the directives it gets, from a valid object: `text_field`'s value,
// and the string values of the other use_in_tts fields joined by " " (in schema order).
struct SpokenOutput {
  std::string text;
  std::string voice_instructions;
};
SpokenOutput ExtractSpokenOutput(const nlohmann::json& object, const DynamicSchema& schema,
                                 std::string_view text_field);

}  // namespace agentsim
