// Field types of a DynamicSchema: parsing the `field_type` string of a schema field
// ("int", "list[ str ]", "Literal['a', \"b\", -1]") and checking one value against a compiled
// field (type first, then constraints). Shared by DynamicSchema::Compile (to check defaults) and
// DynamicSchema::Validate.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema/dynamic_schema.h"

namespace agentsim {

// The largest min_length / max_length a schema may declare (characters, elements or keys).
// Larger values are refused when the schema is compiled: no structured output is that long, and
// the mock LLM generates values of at least min_length.
inline constexpr std::int64_t kMaxLengthConstraint = 100'000;

struct FieldType {
  FieldKind kind = FieldKind::kStr;
  std::vector<nlohmann::json> literal_values;  // kLiteral only: strings or int64 integers
};

// The type as messages show it: the canonical kind name ("list[int]"), or for a Literal
// "one of \"a\", \"b\", 3".
std::string DescribeFieldType(const SchemaField& field);

// "str, int, float, bool, list[str], list[int], list[float], dict or Literal[...]".
std::string_view FieldTypeList();

// Parses a `field_type` string. Accepted: exactly one of the simple names, "list[X]" with X one
// of str/int/float (whitespace allowed inside the brackets), or "Literal[v, ...]" with one or
// more distinct values, each a single- or double-quoted string (backslash escapes the next
// character) or a decimal integer (optionally negative, fits int64), whitespace allowed between
// tokens. On failure returns a message "expected ..., got string \"...\" (detail)".
std::expected<FieldType, std::string> ParseFieldType(std::string_view text);

// Whether ge/le (resp. min_length/max_length) may constrain a field of `kind`.
bool KindAllowsRange(FieldKind kind);
bool KindAllowsLength(FieldKind kind);

// Appends to `out` every violation of `value` against `field` (whose name is used as
// Violation::field): one wrong_type / not_in_literal violation if the type does not match (JSON
// null is always wrong_type), otherwise one violation per failing constraint. Does not consider
// `required` (the caller handles absence).
void CheckFieldValue(const SchemaField& field, const nlohmann::json& value,
                     std::vector<Violation>& out);

}  // namespace agentsim
