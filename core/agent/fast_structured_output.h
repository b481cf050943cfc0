// The common path of ParseLlmOutput (core/agent/llm_output_parser.h) without nlohmann::json: an
// output that is one JSON object satisfying the schema as it is, in strict mode, is validated,
// its spoken text taken and its room payload written straight from simdjson's DOM (kept in a
// per-thread parser, so nothing is allocated for the parse). The nlohmann object is built only
// when LlmOutputOptions::keep_object asks for it. Results are the general path's, byte for byte.
//
// The direct read answers only where it is sure the general path (FastParseJson, then
// DynamicSchema::Validate, WithDefaults, ExtractSpokenOutput, PublicPayloadText) would find the
// object valid: within FastParseJson's conditions (core/agent/json_fast_parse.h), strict mode,
// max_depth >= 2, at most 32 members, every key a schema field and none repeated, every value of
// its field's type within its constraints (a dict value is converted and checked by
// CheckFieldValue), every required field present. Anything else (a violation to report, a
// repeated key, lenient coercion...) goes back to the general path with the parsed value, so
// the output is not parsed twice.
//
// The commonest output (a flat object, keep_object false) is read before simdjson straight from
// its text (ReadValidText, core/agent/fast_text_read.h), with the same result.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/agent/llm_output_parser.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

enum class FastRead {
  kDone,      // `out` is the complete structured result, as the general path would leave it:
              // outcome structured, reason ok, spoken, room_payload and room_fields,
              // defaults_applied, and object when options.keep_object (else null)
  kParsed,    // `value` holds FastParseJson(raw, options.max_depth)'s value; `out` untouched
  kDeclined,  // FastParseJson(raw, options.max_depth) would decline; `out`, `value` untouched
};

// Reads `raw` (any bytes; the caller has ruled out empty, too large and blank outputs).
FastRead FastReadStructured(std::string_view raw, const DynamicSchema& schema,
                            const LlmOutputOptions& options, ParsedLlmOutput& out,
                            nlohmann::json& value);

}  // namespace agentsim
