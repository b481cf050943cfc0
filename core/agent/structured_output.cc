#include "core/agent/structured_output.h"

#include <utility>

#include "core/agent/llm_output_parser.h"
#include "core/agent/records.h"

namespace agentsim {

StructuredOutput ParseStructuredOutput(std::string_view raw, const DynamicSchema& schema) {
  ParsedLlmOutput parsed = ParseLlmOutput(raw, schema, LlmOutputOptions{});
  StructuredOutput out;
  out.ok = parsed.structured();
  out.reason = parsed.reason;
  out.object = std::move(parsed.object);
  out.violations = std::move(parsed.violations);
  return out;
}

SpokenOutput ExtractSpokenOutput(const nlohmann::json& object, const DynamicSchema& schema,
                                 std::string_view text_field) {
  SpokenOutput out;
  for (const SchemaField& field : schema.fields()) {
    auto it = object.find(field.name);
    if (it == object.end() || !it->is_string()) continue;
    if (field.name == text_field) {
      out.text = it->get<std::string>();
    } else if (field.metadata.use_in_tts) {
      if (!out.voice_instructions.empty()) out.voice_instructions.push_back(' ');
      out.voice_instructions += it->get_ref<const std::string&>();
    }
  }
  return out;
}

}  // namespace agentsim
