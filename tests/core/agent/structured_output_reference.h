// Shared by the tests of ParseLlmOutput's direct read of valid outputs (FastReadStructured,
// core/agent/fast_structured_output.h): fast_structured_output_test.cc and the differential test
// (fast_structured_output_diff_test.cc, with structured_output_diff_check.h).
//
// - The all-kinds schema: one field of every kind, with constraints, defaults, hidden and TTS
//   fields.
// - The general path: ParseLlmOutput's result in strict mode computed from public functions
//   without the direct read: FastParseJson, else nlohmann (after the depth check), then
//   DynamicSchema::Validate, WithDefaults, ExtractSpokenOutput and PublicPayloadText, as Finish
//   in core/agent/llm_output_parser.cc.
// - An exact comparison of two ParsedLlmOutput results, field by field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/coercion_counts.h"
#include "core/agent/llm_output_parser.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim::structured_output_test {

// Every field kind, with constraints, defaults, hidden and TTS fields. The hand-written cases of
// fast_structured_output_test.cc depend on these exact fields and constraints.
inline constexpr const char* kAllKindsSchema = R"({
  "schema_id": "all_kinds",
  "fields": [
    {"field_name": "system_response", "field_type": "str",
     "constraints": {"min_length": 1, "max_length": 40}},
    {"field_name": "voice_instructions", "field_type": "str", "required": false,
     "default": "calm", "metadata": {"use_in_tts": true}},
    {"field_name": "pace", "field_type": "str", "required": false,
     "metadata": {"use_in_tts": true}},
    {"field_name": "secret", "field_type": "str", "required": false,
     "metadata": {"hidden": true}},
    {"field_name": "score", "field_type": "int", "required": false,
     "constraints": {"ge": 0, "le": 100}},
    {"field_name": "confidence", "field_type": "float", "required": false,
     "constraints": {"ge": 0.0, "le": 1.0}},
    {"field_name": "ratio", "field_type": "float", "required": false},
    {"field_name": "done", "field_type": "bool", "required": false},
    {"field_name": "mood", "field_type": "Literal['up', 'down']", "required": false},
    {"field_name": "level", "field_type": "Literal[-1, 2]", "required": false},
    {"field_name": "tags", "field_type": "list[str]", "default": [],
     "constraints": {"max_length": 2}},
    {"field_name": "counts", "field_type": "list[int]", "required": false,
     "constraints": {"ge": 0}},
    {"field_name": "weights", "field_type": "list[float]", "required": false,
     "constraints": {"le": 1}},
    {"field_name": "extra", "field_type": "dict", "required": false,
     "constraints": {"max_length": 1}}
  ]})";

// kAllKindsSchema compiled once. If it does not compile, that is a test failure (ADD_FAILURE)
// and the result is an empty schema.
const DynamicSchema& AllKindsSchema();

// ParseLlmOutput's reading of the whole output as one JSON value without the direct read:
// FastParseJson, else (within the depth limit) nlohmann. nullopt: not one JSON value.
std::optional<nlohmann::json> GeneralParse(std::string_view raw, int max_depth);

// The general path's result for `raw` (strict mode), when `raw` is one JSON value; nullopt
// otherwise (empty, blank, too large, not JSON, too deep, ...: classified by code the direct
// read never answers for).
std::optional<ParsedLlmOutput> Reference(std::string_view raw, const DynamicSchema& schema,
                                         const LlmOutputOptions& options);

// Same JSON types all the way down (number_unsigned vs number_integer vs number_float too),
// doubles bit for bit, object keys and order as stored.
bool SameJson(const nlohmann::json& a, const nlohmann::json& b);

// "field/reason/message; " per violation; "name=count " per non-zero coercion count.
std::string Describe(const std::vector<Violation>& violations);
std::string Describe(const CoercionCounts& counts);

// The first difference between two results, as "what: got [..], want [..]" ("" when none), in
// the order outcome, reason, detail, object, coercions, defaults_applied, violations,
// spoken.text, spoken.voice_instructions, room_payload, room_fields. `skip_object` leaves
// `object` out.
std::string Difference(const ParsedLlmOutput& got, const ParsedLlmOutput& want,
                       bool skip_object = false);

}  // namespace agentsim::structured_output_test
