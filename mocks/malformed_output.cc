#include "mocks/malformed_output.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <nlohmann/json.hpp>

namespace agentsim {
namespace {

using nlohmann::ordered_json;

constexpr std::array<std::string_view, kOutputMalformationCount> kNames = {
    "fenced",   "prose_wrapped",   "trailing_comma",   "string_encoded_numbers",
    "wrong_case_enum", "truncated", "refusal",   "empty",
    "whitespace_only", "multiple_objects", "raw_newline", "invalid_escape",
};

constexpr std::array<std::string_view, 3> kProseBefore = {
    "Sure! Here is my answer:\n",
    "Here's the JSON you asked for: ",
    "Of course.\n\n",
};
constexpr std::array<std::string_view, 3> kProseAfter = {
    "\nLet me know if you need anything else.",
    " Hope this helps!",
    "",
};
constexpr std::array<std::string_view, 3> kRefusals = {
    "I'm sorry, but I can't help with that request.",
    "I apologize, but I cannot provide a response in that format.",
    "As an AI model, I'm unable to answer that.",
};
constexpr std::array<std::string_view, 3> kTrailingCommas = {",}", ", }", ",\n}"};

// Markers put into a string value before dumping: nlohmann writes them as \u0001 / \u0002,
// which are then replaced by the raw bytes that make the output malformed.
constexpr char kNewlineMarker = '\x01';
constexpr char kEscapeMarker = '\x02';

template <std::size_t N>
std::string_view Pick(const std::array<std::string_view, N>& options, Rng& rng) {
  return options[rng.Index(N)];
}

std::string Dump(const ordered_json& object) {
  return object.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool IsNumericKind(const SchemaField& field) {
  switch (field.kind) {
    case FieldKind::kInt:
    case FieldKind::kFloat:
    case FieldKind::kListInt:
    case FieldKind::kListFloat:
      return true;
    case FieldKind::kLiteral:
      for (const nlohmann::json& v : field.literal_values) {
        if (!v.is_number_integer()) return false;
      }
      return true;
    default:
      return false;
  }
}

std::optional<std::string> StringEncodeNumbers(ordered_json object, const DynamicSchema& schema) {
  bool changed = false;
  for (const SchemaField& field : schema.fields()) {
    auto it = object.find(field.name);
    if (it == object.end() || !IsNumericKind(field) || it->is_string()) continue;
    if (!it->is_number() && !it->is_array()) continue;
    *it = Dump(*it);
    changed = true;
  }
  if (!changed) return std::nullopt;
  return Dump(object);
}

std::optional<std::string> WrongCaseEnums(ordered_json object, const DynamicSchema& schema,
                                          Rng& rng) {
  bool changed = false;
  for (const SchemaField& field : schema.fields()) {
    auto it = object.find(field.name);
    if (field.kind != FieldKind::kLiteral || it == object.end() || !it->is_string()) continue;
    std::string value = it->get<std::string>();
    const std::string before = value;
    const bool upper_all = rng.Bernoulli(0.5);
    bool first_letter = true;
    for (char& c : value) {
      const bool lower = c >= 'a' && c <= 'z';
      if (lower && (upper_all || first_letter)) c = static_cast<char>(c - 'a' + 'A');
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) first_letter = false;
    }
    if (value == before) {  // already capitalised (or upper-case): lower-case it instead
      for (char& c : value) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    if (value == before) continue;  // no letters
    *it = value;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return Dump(object);
}

bool IsEscapablePunctuation(char c) {
  const bool punct = (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
                     (c >= '{' && c <= '~');
  return punct && c != '"' && c != '\\' && c != '/';  // those three have JSON escapes
}

// In the first str field value (schema order) holding a byte `pick` accepts, that byte becomes
// `marker`; in the dump, the marker's escape becomes `raw` (followed by the original byte when
// `append_original`). nullopt when no str field value holds such a byte.
template <typename Pick>
std::optional<std::string> InjectIntoString(ordered_json object, const DynamicSchema& schema,
                                            Pick pick, char marker, std::string_view raw,
                                            bool append_original) {
  for (const SchemaField& field : schema.fields()) {
    auto it = object.find(field.name);
    if (field.kind != FieldKind::kStr || it == object.end() || !it->is_string()) continue;
    std::string text = it->get<std::string>();
    std::size_t pos = 0;
    while (pos < text.size() && !pick(text[pos])) ++pos;
    if (pos == text.size()) continue;
    const char original = text[pos];
    text[pos] = marker;
    *it = text;
    std::string out = Dump(object);
    std::string replacement(raw);
    if (append_original) replacement.push_back(original);
    ReplaceAll(out, marker == kNewlineMarker ? "\\u0001" : "\\u0002", replacement);
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::string_view OutputMalformationName(OutputMalformation kind) {
  return kNames[static_cast<std::size_t>(kind)];
}

std::optional<std::string> MalformOutput(std::string_view valid_object, OutputMalformation kind,
                                         const DynamicSchema& schema, Rng& rng) {
  ordered_json object = ordered_json::parse(valid_object, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) return std::nullopt;
  const std::string compact = Dump(object);
  switch (kind) {
    case OutputMalformation::kFenced:
      return "```json\n" + compact + "\n```";
    case OutputMalformation::kProseWrapped:
      return std::string(Pick(kProseBefore, rng)) + compact + std::string(Pick(kProseAfter, rng));
    case OutputMalformation::kTrailingComma: {
      std::string out = compact.substr(0, compact.size() - 1);  // without the final '}'
      out += Pick(kTrailingCommas, rng);
      return out;
    }
    case OutputMalformation::kStringEncodedNumbers:
      return StringEncodeNumbers(std::move(object), schema);
    case OutputMalformation::kWrongCaseEnum:
      return WrongCaseEnums(std::move(object), schema, rng);
    case OutputMalformation::kTruncated: {
      // At least "{" is kept and at least the final "}" is cut.
      const std::size_t keep =
          1 + static_cast<std::size_t>(rng.UniformInt(0, static_cast<std::int64_t>(compact.size()) - 2));
      return compact.substr(0, keep);
    }
    case OutputMalformation::kRefusal:
      return std::string(Pick(kRefusals, rng));
    case OutputMalformation::kEmpty:
      return std::string();
    case OutputMalformation::kWhitespaceOnly: {
      std::string out;
      const std::int64_t n = rng.UniformInt(1, 64);
      for (std::int64_t i = 0; i < n; ++i) out.push_back(rng.Bernoulli(0.5) ? ' ' : '\n');
      return out;
    }
    case OutputMalformation::kMultipleObjects:
      return compact + "\n" + compact;
    case OutputMalformation::kRawNewline:  // a space becomes a raw line break
      return InjectIntoString(
          std::move(object), schema, [](char c) { return c == ' '; }, kNewlineMarker, "\n",
          /*append_original=*/false);
    case OutputMalformation::kInvalidEscape:  // "." becomes "\." (lenient drops the backslash)
      return InjectIntoString(std::move(object), schema, IsEscapablePunctuation, kEscapeMarker,
                              "\\", /*append_original=*/true);
  }
  return std::nullopt;
}

}  // namespace agentsim
