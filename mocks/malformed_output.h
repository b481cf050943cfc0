// Malformed structured output as LLMs really emit it, for the mock LLM: turns a valid JSON
// object text into a variant of one kind. What the agent makes of each kind
// (core/agent/llm_output_parser.h), when the object was valid for the schema:
//
//   kind                    variant                                  strict             lenient
//   fenced                  ```json\n<object>\n```                   not_json           ok
//   prose_wrapped           "Sure! Here is my answer:\n<object>..."  not_json           ok
//   trailing_comma          ",}" (or ", }" / ",\n}") at the end      not_json           ok
//   string_encoded_numbers  every int, float, int-Literal and numeric
//                           list value as a JSON string ("5", "[1]") validation_failed  ok
//   wrong_case_enum         every string-Literal value Capitalised
//                           or UPPER-CASED                           validation_failed  ok
//   truncated               cut at a random byte before the end      truncated          truncated
//   refusal                 an apology sentence, no JSON             refusal            refusal
//   empty                   no bytes                                 empty_output       empty_output
//   whitespace_only         1 to 64 blanks                           whitespace_only    whitespace_only
//   multiple_objects        <object>\n<object>                       multiple_objects   multiple_objects
//   raw_newline             a space in a str value -> a raw LF       not_json           ok
//   invalid_escape          a punctuation mark in a str value
//                           escaped: "\." "\," "\'" ...               not_json           ok
//
// (wrong_case_enum is ok in lenient mode when no two values of a Literal differ only in case.)
// Deterministic in (input, kind, schema, the Rng's state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

enum class OutputMalformation {
  kFenced,
  kProseWrapped,
  kTrailingComma,
  kStringEncodedNumbers,
  kWrongCaseEnum,
  kTruncated,
  kRefusal,
  kEmpty,
  kWhitespaceOnly,
  kMultipleObjects,
  kRawNewline,
  kInvalidEscape,
};

inline constexpr int kOutputMalformationCount = static_cast<int>(OutputMalformation::kInvalidEscape) + 1;

// "fenced", "prose_wrapped", ... as in the table above.
std::string_view OutputMalformationName(OutputMalformation kind);

// The variant of `kind` of `valid_object` (compact or not; a JSON object valid for `schema`),
// or nullopt when the kind does not apply to it: `valid_object` is not a JSON object;
// string_encoded_numbers with no numeric value present; wrong_case_enum with no string-Literal
// value holding a letter; raw_newline with no str field value holding a space; invalid_escape
// with no str field value holding ASCII punctuation other than '"', '\\' and '/'. Draws from
// `rng` only for the choices the table leaves open (prose, sentence, cut position, case,
// blanks).
std::optional<std::string> MalformOutput(std::string_view valid_object, OutputMalformation kind,
                                         const DynamicSchema& schema, Rng& rng);

}  // namespace agentsim
