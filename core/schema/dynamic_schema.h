// DynamicSchema: the structured-output schema an agent's config declares (seed: "Schema Design",
// "Type Safety"), compiled once from `schema_config` and used to validate LLM output.
//
// schema_config shape:
//   {"schema_id": "interview_v1",
//    "fields": [{"field_name": "credibility_score", "field_type": "int",
//                "description": "...", "required": true, "default": 50,
//                "constraints": {"ge": 0, "le": 100},
//                "metadata": {"hidden": false, "use_in_tts": false, "category": "output"}}]}
//
// Types: str, int, float, bool, list[str], list[int], list[float], dict,
//        Literal['a', 'b'] / Literal["a"] / Literal[1, 2] (strings or integers).
// Constraints: ge, le (numbers; for list[int]/list[float] they apply to every element);
//              min_length, max_length (characters of a str, elements of a list, keys of a dict).
// `required` defaults to true (as a pydantic field without a default); a field with a
// `default` is optional, and the default stands in for the field when it is absent
// (WithDefaults).
// Optional key "coercion": "strict" (default) or "lenient": how the agent reads LLM output
// (core/agent/llm_output_parser.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"
#include "core/util/error.h"

namespace agentsim {

enum class FieldKind { kStr, kInt, kFloat, kBool, kListStr, kListInt, kListFloat, kDict, kLiteral };

// "str", "int", ..., "Literal".
std::string_view FieldKindName(FieldKind kind);

// How an agent reads its LLM's output (schema_config.coercion). kStrict: the whole output must
// be one JSON object satisfying the schema as it is. kLenient: fences, surrounding prose and
// common syntax slips are repaired and values coerced to the field types first (each repair
// counted); see core/agent/llm_output_parser.h.
enum class CoercionMode { kStrict, kLenient };

// "strict", "lenient".
std::string_view CoercionModeName(CoercionMode mode);

struct FieldConstraints {
  std::optional<double> ge;
  std::optional<double> le;
  std::optional<std::int64_t> min_length;
  std::optional<std::int64_t> max_length;
};

struct FieldMetadata {
  bool hidden = false;      // never sent to the frontend (room)
  bool use_in_tts = false;  // sent to TTS with the spoken text
  std::string category;     // free text: output, control, internal, ...
};

struct SchemaField {
  std::string name;
  FieldKind kind = FieldKind::kStr;
  std::string type_text;  // as written in the config, e.g. "Literal['a', 'b']"
  std::string description;
  bool required = true;
  std::optional<nlohmann::json> default_value;
  FieldConstraints constraints;
  std::vector<nlohmann::json> literal_values;  // kLiteral only: strings or integers, in order
  FieldMetadata metadata;
};

// One reason a value does not satisfy the schema.
struct Violation {
  std::string field;   // field name ("" for the object itself)
  std::string reason;  // code: not_an_object, missing_required, unknown_field, wrong_type,
                       // not_in_literal, less_than_ge, greater_than_le, too_short, too_long
  std::string message; // human text: what was expected and what was found
};

// Copying a DynamicSchema is cheap: copies share one immutable compiled form (so configs that
// use the same schema can share the one held by a SchemaRegistry). A default-constructed
// schema has an empty schema_id and no fields.
class DynamicSchema {
 public:
  DynamicSchema();

  // Compiles `schema_config` (the value at `pointer` in `doc`). Every problem is reported at
  // once, one line each, with file, line:column and JSON pointer. Errors: kInvalidArgument.
  static Result<DynamicSchema> Compile(const JsonDocument& doc, std::string_view pointer);
  // The same for a bare value (errors name `source_name` and pointers relative to the value).
  static Result<DynamicSchema> Compile(const nlohmann::json& schema_config,
                                       std::string_view source_name = "schema_config");

  const std::string& schema_id() const { return impl_->schema_id; }
  CoercionMode coercion() const { return impl_->coercion; }
  std::span<const SchemaField> fields() const { return impl_->fields; }
  const SchemaField* Find(std::string_view name) const;

  // Every violation of `value` (expected: a JSON object), in field order, then unknown fields
  // in the object's order. Empty means valid.
  std::vector<Violation> Validate(const nlohmann::json& value) const;

  // `value` without hidden fields: what may be published to the room.
  nlohmann::json PublicPayload(const nlohmann::json& value) const;

  // PublicPayload(value).dump() (compact, keys sorted), written without the copy
  // (core/json/compact_json.h); sets `*fields` (when not null) to the number of members
  // written. Throws what dump() throws (a string that is not UTF-8: type_error 316).
  std::string PublicPayloadText(const nlohmann::json& value, int* fields = nullptr) const;

  // `value` with every absent optional field (required false) that declares a `default` set to
  // that default, in field order; appends the names of those fields to `filled` when not null.
  // A field that is required despite a default is left alone (Validate reports it missing). A
  // value that is not an object is returned as is.
  nlohmann::json WithDefaults(const nlohmann::json& value,
                              std::vector<std::string>* filled = nullptr) const;

 private:
  struct Impl {
    std::string schema_id;
    std::vector<SchemaField> fields;
    CoercionMode coercion = CoercionMode::kStrict;
  };
  explicit DynamicSchema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<const Impl> impl_;  // never null
};

}  // namespace agentsim
