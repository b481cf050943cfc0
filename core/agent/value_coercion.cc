#include "core/agent/value_coercion.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/json_repair.h"

namespace agentsim {
namespace {

using nlohmann::json;

// [-2^63, 2^63): the doubles that convert to int64 exactly when integral.
constexpr double kInt64Low = -9223372036854775808.0;
constexpr double kInt64End = 9223372036854775808.0;

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// `text` parsed as JSON when it nests at most `max_depth` levels; nullopt otherwise.
std::optional<json> ParseEmbedded(std::string_view text, int max_depth) {
  if (JsonNestingDepth(text, max_depth) > max_depth) return std::nullopt;
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

// The number a string value holds ("5", " 2.5 "), when it holds exactly one JSON number.
std::optional<json> NumberIn(const json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string_view text = TrimBlanks(value.get_ref<const std::string&>());
  if (text.empty() || !(text.front() == '-' || (text.front() >= '0' && text.front() <= '9'))) {
    return std::nullopt;
  }
  std::optional<json> number = ParseEmbedded(text, 0);
  if (!number || !number->is_number()) return std::nullopt;
  return number;
}

// An integral float in the int64 range as an integer.
std::optional<json> IntegralFloat(const json& value) {
  if (!value.is_number_float()) return std::nullopt;
  const double d = value.get<double>();
  if (!std::isfinite(d) || std::trunc(d) != d || d < kInt64Low || d >= kInt64End) {
    return std::nullopt;
  }
  return json(static_cast<std::int64_t>(d));
}

// An integer from a number (integral float) or a string holding one.
std::optional<json> IntegerIn(const json& number) {
  if (number.is_number_integer()) return number;
  return IntegralFloat(number);
}

bool CoerceInt(json& value, CoercionCounts& counts) {
  if (std::optional<json> n = IntegralFloat(value)) {
    value = *n;
    counts.Add(CoercionKind::kFloatToInt);
    return true;
  }
  if (std::optional<json> number = NumberIn(value)) {
    if (std::optional<json> n = IntegerIn(*number)) {
      value = *n;
      counts.Add(CoercionKind::kStringToInt);
      return true;
    }
  }
  return false;
}

bool CoerceFloat(json& value, CoercionCounts& counts) {
  if (std::optional<json> number = NumberIn(value)) {
    value = *number;
    counts.Add(CoercionKind::kStringToFloat);
    return true;
  }
  return false;
}

void CoerceBool(json& value, CoercionCounts& counts) {
  if (!value.is_string()) return;
  std::string lower(TrimBlanks(value.get_ref<const std::string&>()));
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower != "true" && lower != "false") return;
  value = lower == "true";
  counts.Add(CoercionKind::kStringToBool);
}

// A string holding a JSON array (`want_array`) or object, read as one.
bool CoerceContainer(json& value, bool want_array, int max_depth, CoercionKind kind,
                     CoercionCounts& counts) {
  if (!value.is_string()) return false;
  std::string_view text = TrimBlanks(value.get_ref<const std::string&>());
  if (text.empty() || text.front() != (want_array ? '[' : '{')) return false;
  std::optional<json> parsed = ParseEmbedded(text, max_depth - 1);
  if (!parsed || (want_array ? !parsed->is_array() : !parsed->is_object())) return false;
  value = std::move(*parsed);
  counts.Add(kind);
  return true;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Whether the integer `n` (a JSON integer) equals the int literal `literal`.
bool SameInteger(const json& literal, const json& n) {
  if (!literal.is_number_integer()) return false;
  const std::int64_t l = literal.get<std::int64_t>();
  if (n.is_number_unsigned()) return l >= 0 && static_cast<std::uint64_t>(l) == n.get<std::uint64_t>();
  return n.get<std::int64_t>() == l;
}

void CoerceLiteral(const SchemaField& field, json& value, CoercionCounts& counts) {
  for (const json& literal : field.literal_values) {
    if (literal.is_string() && value.is_string() && literal == value) return;
    if (literal.is_number_integer() && value.is_number_integer() && SameInteger(literal, value)) {
      return;
    }
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const json* match = nullptr;
    int matches = 0;
    for (const json& literal : field.literal_values) {
      if (literal.is_string() && EqualsIgnoringAsciiCase(literal.get_ref<const std::string&>(), text)) {
        match = &literal;
        ++matches;
      }
    }
    if (matches == 1) {
      value = *match;
      counts.Add(CoercionKind::kEnumCase);
      return;
    }
    if (std::optional<json> number = NumberIn(value)) {
      if (std::optional<json> n = IntegerIn(*number)) {
        for (const json& literal : field.literal_values) {
          if (SameInteger(literal, *n)) {
            value = literal;
            counts.Add(CoercionKind::kIntLiteralFromString);
            return;
          }
        }
      }
    }
    return;
  }
  if (std::optional<json> n = IntegralFloat(value)) {
    for (const json& literal : field.literal_values) {
      if (SameInteger(literal, *n)) {
        value = literal;
        counts.Add(CoercionKind::kFloatToInt);
        return;
      }
    }
  }
}

void CoerceValue(const SchemaField& field, json& value, int max_depth, CoercionCounts& counts) {
  switch (field.kind) {
    case FieldKind::kStr:
      return;
    case FieldKind::kInt:
      CoerceInt(value, counts);
      return;
    case FieldKind::kFloat:
      CoerceFloat(value, counts);
      return;
    case FieldKind::kBool:
      CoerceBool(value, counts);
      return;
    case FieldKind::kDict:
      CoerceContainer(value, /*want_array=*/false, max_depth, CoercionKind::kStringToDict, counts);
      return;
    case FieldKind::kLiteral:
      CoerceLiteral(field, value, counts);
      return;
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat:
      CoerceContainer(value, /*want_array=*/true, max_depth, CoercionKind::kStringToList, counts);
      if (!value.is_array() || field.kind == FieldKind::kListStr) return;
      for (json& element : value) {
        if (field.kind == FieldKind::kListInt) {
          CoerceInt(element, counts);
        } else if (!element.is_number()) {
          CoerceFloat(element, counts);
        }
      }
      return;
  }
}

}  // namespace

void CoerceToSchema(nlohmann::json& object, const DynamicSchema& schema, int max_depth,
                    CoercionCounts& counts) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : object.items()) {
    if (schema.Find(key) == nullptr) unknown.push_back(key);
  }
  for (const std::string& key : unknown) {
    object.erase(key);
    counts.Add(CoercionKind::kUnknownFieldDropped);
  }
  for (const SchemaField& field : schema.fields()) {
    auto it = object.find(field.name);
    if (it == object.end()) continue;
    if (it->is_null()) {
      if (!field.required) {
        object.erase(it);
        counts.Add(CoercionKind::kNullOptionalDropped);
      }
      continue;
    }
    CoerceValue(field, *it, max_depth, counts);
  }
}

}  // namespace agentsim
