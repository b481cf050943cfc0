// Lenient coercion of a parsed LLM output object toward its schema's field types (the value
// half of lenient parsing; core/agent/llm_output_parser.h). Each coercion adds one to its kind
// in the counts; a value no rule applies to is left as it is, for DynamicSchema::Validate to
// report.
//
// Rules, by the field's type (a string is trimmed of JSON blanks before it is read):
//   int          a string holding a JSON number with an integral value ("5", " 7 ", "5.0"):
//                string_to_int; a float with an integral value in the int64 range (5.0):
//                float_to_int
//   float        a string holding a JSON number ("2.5", "3"): string_to_float
//   bool         "true" / "false" in any case: string_to_bool
//   list[...]    a string holding a JSON array: string_to_list; then each element as an int
//                (list[int]) or float (list[float]) above
//   dict         a string holding a JSON object: string_to_dict
//   Literal      a string equal, ignoring ASCII case, to exactly one string value: enum_case;
//                a string holding an integer equal to an int value (when no string value
//                matches it exactly): int_literal_from_string; a float with an integral value
//                equal to an int value: float_to_int
//   str          nothing: an object, array, number or bool stays a wrong_type violation
// Any field: null for an optional field (required false) removes the field, so that its default
// (if any) applies: null_optional_dropped. A member the schema does not declare is removed:
// unknown_field_dropped. A string read as an array or object must nest at most `max_depth` - 1
// levels (it becomes one level deeper); deeper strings are left as they are.
#pragma once

#include <nlohmann/json.hpp>

#include "core/agent/coercion_counts.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

// Applies the rules above to the members of `object` in place. REQUIRES: object is an object.
void CoerceToSchema(nlohmann::json& object, const DynamicSchema& schema, int max_depth,
                    CoercionCounts& counts);

}  // namespace agentsim
