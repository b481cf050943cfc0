// The repairs and coercions lenient parsing applies to an LLM's output, by kind, and how many of
// each one output needed (core/agent/llm_output_parser.h). The kind names are stable snake_case
// codes: they appear in `agentsim parse` output, in TurnRecord::coercion_kinds and in reports.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsim {

enum class CoercionKind {
  // Text around the JSON (core/agent/json_repair.h).
  kFenced,               // fenced   a ``` (or ```json) fence removed
  kProseStripped,        // prose_stripped   non-blank text outside the object dropped
  kDoubleEncoded,        // double_encoded   the whole output was a JSON string holding the object
  // Syntax, string-aware (never inside a string's content, except the escapes themselves).
  kTrailingComma,        // trailing_comma   a ',' before '}' or ']' removed
  kRawNewlineInString,   // raw_newline_in_string   a raw line break (LF, CR or CRLF) in a string
  kRawControlInString,   // raw_control_in_string   another raw control character (tab, ...)
  kInvalidEscape,        // invalid_escape   a backslash escape JSON does not define
  kLoneSurrogate,        // lone_surrogate   an unpaired \uD800-\uDFFF escape -> U+FFFD
  kInvalidUtf8,          // invalid_utf8   a byte of a string that is not UTF-8 -> U+FFFD
  // Values, by the schema's field types (core/agent/value_coercion.h).
  kStringToInt,          // string_to_int   "5" for an int (or a list[int] element)
  kStringToFloat,        // string_to_float   "2.5" for a float (or a list[float] element)
  kStringToBool,         // string_to_bool   "true" / "False" for a bool
  kStringToList,         // string_to_list   "[...]" for a list
  kStringToDict,         // string_to_dict   "{...}" for a dict
  kFloatToInt,           // float_to_int   5.0 for an int, a list[int] element or an int Literal
  kEnumCase,             // enum_case   "Positive" for Literal['positive', ...]
  kIntLiteralFromString, // int_literal_from_string   "2" for Literal[1, 2, 3]
  kNullOptionalDropped,  // null_optional_dropped   null for an optional field: field removed
  kUnknownFieldDropped,  // unknown_field_dropped   a field the schema does not declare: removed
};

inline constexpr std::size_t kCoercionKindCount =
    static_cast<std::size_t>(CoercionKind::kUnknownFieldDropped) + 1;

// The kind's code, e.g. "string_to_int".
std::string_view CoercionKindName(CoercionKind kind);

// Counts per kind. Cheap to copy; iteration is in kind order (deterministic).
class CoercionCounts {
 public:
  void Add(CoercionKind kind, int n = 1) {
    counts_[static_cast<std::size_t>(kind)] += n;
    if (n != 0) added_ = true;
  }
  int Get(CoercionKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }
  void Merge(const CoercionCounts& other);
  // The sum over every kind.
  int Total() const;
  // (name, count) of every kind with a count above zero, in kind order.
  std::vector<std::pair<std::string_view, int>> NonZero() const;

  friend bool operator==(const CoercionCounts& a, const CoercionCounts& b) {
    return a.counts_ == b.counts_;
  }

 private:
  std::array<int, kCoercionKindCount> counts_{};
  // Some count was changed (false: all zero, the commonest case, answered without a scan).
  bool added_ = false;
};

}  // namespace agentsim
