#include "core/agent/structured_output.h"

#include "core/agent/records.h"

namespace agentsim {

StructuredOutput ParseStructuredOutput(std::string_view raw, const DynamicSchema& schema) {
  StructuredOutput out;
  out.object = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (out.object.is_discarded()) {
    out.reason = reason::kNotJson;
    return out;
  }
  if (!out.object.is_object()) {
    out.reason = reason::kNotAnObject;
    return out;
  }
  out.violations = schema.Validate(out.object);
  if (!out.violations.empty()) {
    out.reason = reason::kValidationFailed;
    return out;
  }
  out.ok = true;
  out.reason = reason::kOk;
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
