// JSON Schema (draft 2020-12) of a DynamicSchema, as an LLM structured-output request carries
// it (OpenAI's response_format of type json_schema, and other providers' equivalents).
//
// Shape (keys in this order; properties in field order):
//   {"$schema": "https://json-schema.org/draft/2020-12/schema",
//    "title": <schema_id>, "type": "object",
//    "properties": {<field_name>: <property>, ...},
//    "required": [<required field names, in field order>],
//    "additionalProperties": false}
// A property, by field type:
//   str          {"type": "string"}            min_length/max_length -> minLength/maxLength
//   int          {"type": "integer"}           ge/le -> minimum/maximum
//   float        {"type": "number"}            ge/le -> minimum/maximum
//   bool         {"type": "boolean"}
//   list[str|int|float]  {"type": "array", "items": {"type": "string"|"integer"|"number"}}
//                min_length/max_length -> minItems/maxItems; ge/le -> the items' minimum/maximum
//   dict         {"type": "object"}            min_length/max_length -> minProperties/maxProperties
//   Literal      one value: {"type": ..., "const": v}; several: {"type": ..., "enum": [...]};
//                "type" is "string" or "integer" when every value has that type, absent when
//                they are mixed (as pydantic writes them)
// then "description" (when not empty) and "default" (when the field declares one). A bound that
// is an integral number is written as a JSON integer (0, not 0.0). Hidden fields are included:
// the LLM must produce them; only the room does not get them.
#pragma once

#include <nlohmann/json.hpp>

#include "core/schema/dynamic_schema.h"

namespace agentsim {

inline constexpr const char* kJsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema";

// The JSON Schema above.
nlohmann::ordered_json ExportJsonSchema(const DynamicSchema& schema);

// OpenAI's response_format for it:
//   {"type": "json_schema",
//    "json_schema": {"name": <schema_id made of [A-Za-z0-9_-], at most 64 characters>,
//                    "strict": false, "schema": ExportJsonSchema(schema)}}
// "strict" is false because strict mode there requires every property to be required and
// refuses defaults and some constraints.
nlohmann::ordered_json ExportResponseFormat(const DynamicSchema& schema);

}  // namespace agentsim
