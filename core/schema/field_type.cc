#include "core/schema/field_type.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace agentsim {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, FieldKind>, 8> kSimpleKinds = {{
    {"str", FieldKind::kStr},
    {"int", FieldKind::kInt},
    {"float", FieldKind::kFloat},
    {"bool", FieldKind::kBool},
    {"list[str]", FieldKind::kListStr},
    {"list[int]", FieldKind::kListInt},
    {"list[float]", FieldKind::kListFloat},
    {"dict", FieldKind::kDict},
}};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Got(std::string_view text) { return DescribeJson(json(std::string(text))); }

std::unexpected<std::string> LiteralError(std::string_view text, std::string_view detail) {
  return std::unexpected("expected Literal[...] of one or more quoted strings or integers, got " +
                         Got(text) + " (" + std::string(detail) + ")");
}

std::string AtOffset(std::string_view what, std::size_t offset) {
  return std::string(what) + " at offset " + std::to_string(offset);
}

// Parses the values of "Literal[...]"; `text` is the whole type string.
std::expected<FieldType, std::string> ParseLiteral(std::string_view text) {
  FieldType type{FieldKind::kLiteral, {}};
  std::size_t i = std::string_view("Literal[").size();
  auto skip_space = [&] {
    while (i < text.size() && IsSpace(text[i])) ++i;
  };
  skip_space();
  if (i < text.size() && text[i] == ']') return LiteralError(text, "no values");
  while (true) {
    skip_space();
    if (i >= text.size()) return LiteralError(text, "missing closing ']'");
    const std::size_t start = i;
    const char c = text[i];
    json value;
    if (c == '\'' || c == '"') {
      std::string s;
      bool closed = false;
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          s.push_back(text[++i]);
        } else if (text[i] == c) {
          closed = true;
          ++i;
          break;
        } else {
          s.push_back(text[i]);
        }
      }
      if (!closed) return LiteralError(text, AtOffset("unterminated string", start));
      value = std::move(s);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
      if (ec == std::errc::result_out_of_range) {
        return LiteralError(text, AtOffset("integer out of range", start));
      }
      if (ec != std::errc()) {
        return LiteralError(text, AtOffset("expected a quoted string or an integer", start));
      }
      i = static_cast<std::size_t>(end - text.data());
      value = n;
    } else {
      return LiteralError(text, AtOffset("expected a quoted string or an integer", start));
    }
    for (const json& seen : type.literal_values) {
      if (seen.type() == value.type() && seen == value) {
        return LiteralError(text, "duplicate value " + DumpForMessage(value));
      }
    }
    type.literal_values.push_back(std::move(value));
    skip_space();
    if (i >= text.size()) return LiteralError(text, "missing closing ']'");
    if (text[i] == ',') {
      ++i;
      continue;
    }
    if (text[i] != ']') return LiteralError(text, AtOffset("expected ',' or ']'", i));
    ++i;
    break;
  }
  if (i != text.size()) return LiteralError(text, AtOffset("unexpected text after ']'", i));
  return type;
}

std::string FormatNumber(double d) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  if (ec != std::errc()) return "?";
  return std::string(buf.data(), end);
}

std::int64_t CodePoints(const std::string& s) {
  std::int64_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Plural(std::int64_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

// Integer equality without nlohmann's signed/unsigned wrap-around (2^64-1 == -1).
bool IntegerEquals(const json& literal, const json& value) {
  const std::int64_t l = literal.get<std::int64_t>();
  if (value.is_number_unsigned())
    return l >= 0 && static_cast<std::uint64_t>(l) == value.get<std::uint64_t>();
  return value.is_number_integer() && value.get<std::int64_t>() == l;
}

bool MatchesLiteral(const SchemaField& field, const json& value) {
  for (const json& literal : field.literal_values) {
    if (literal.is_string() && value.is_string() && literal == value) return true;
    if (literal.is_number_integer() && IntegerEquals(literal, value)) return true;
  }
  return false;
}

bool ElementMatches(FieldKind list_kind, const json& element) {
  if (list_kind == FieldKind::kListStr) return element.is_string();
  if (list_kind == FieldKind::kListInt) return element.is_number_integer();
  return element.is_number();
}

// Whether `value` (not null) has the field's type; when a list element is what does not match,
// sets `found` to that element and its index.
bool MatchesType(const SchemaField& field, const json& value, std::string& found) {
  switch (field.kind) {
    case FieldKind::kStr:
      return value.is_string();
    case FieldKind::kInt:
      return value.is_number_integer();
    case FieldKind::kFloat:
      return value.is_number();
    case FieldKind::kBool:
      return value.is_boolean();
    case FieldKind::kDict:
      return value.is_object();
    case FieldKind::kLiteral:
      return MatchesLiteral(field, value);
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      if (!value.is_array()) return false;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!ElementMatches(field.kind, value[i])) {
          found = DescribeJson(value[i]) + " at index " + std::to_string(i);
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

void CheckRange(const SchemaField& field, const json& value, std::vector<Violation>& out) {
  const bool is_list = value.is_array();
  auto first_failing = [&](auto fails) -> std::optional<std::string> {
    if (!is_list) {
      if (fails(value.get<double>())) return DescribeJson(value);
      return std::nullopt;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (fails(value[i].get<double>())) {
        return DescribeJson(value[i]) + " at index " + std::to_string(i);
      }
    }
    return std::nullopt;
  };
  const std::string subject = is_list ? "every element" : "a value";
  if (const auto& ge = field.constraints.ge) {
    if (auto bad = first_failing([&](double d) { return d < *ge; })) {
      out.push_back({field.name, "less_than_ge",
                     "expected " + subject + " >= " + FormatNumber(*ge) + ", got " + *bad});
    }
  }
  if (const auto& le = field.constraints.le) {
    if (auto bad = first_failing([&](double d) { return d > *le; })) {
      out.push_back({field.name, "greater_than_le",
                     "expected " + subject + " <= " + FormatNumber(*le) + ", got " + *bad});
    }
  }
}

void CheckLength(const SchemaField& field, const json& value, std::vector<Violation>& out) {
  std::int64_t length = 0;
  std::string_view unit;
  if (value.is_string()) {
    length = CodePoints(value.get_ref<const std::string&>());
    unit = "character";
  } else if (value.is_array()) {
    length = static_cast<std::int64_t>(value.size());
    unit = "element";
  } else {
    length = static_cast<std::int64_t>(value.size());
    unit = "key";
  }
  const FieldConstraints& c = field.constraints;
  if (c.min_length && length < *c.min_length) {
    out.push_back(
        {field.name, "too_short",
         "expected at least " + Plural(*c.min_length, unit) + ", got " + std::to_string(length)});
  }
  if (c.max_length && length > *c.max_length) {
    out.push_back(
        {field.name, "too_long",
         "expected at most " + Plural(*c.max_length, unit) + ", got " + std::to_string(length)});
  }
}

}  // namespace

std::string_view FieldKindName(FieldKind kind) {
  for (const auto& [name, k] : kSimpleKinds) {
    if (k == kind) return name;
  }
  return "Literal";
}

std::string DescribeFieldType(const SchemaField& field) {
  if (field.kind != FieldKind::kLiteral) return std::string(FieldKindName(field.kind));
  std::string out = "one of ";
  for (std::size_t i = 0; i < field.literal_values.size(); ++i) {
    if (i > 0) out += ", ";
    out += DumpForMessage(field.literal_values[i]);
  }
  return out;
}

std::string_view FieldTypeList() {
  return "str, int, float, bool, list[str], list[int], list[float], dict or Literal[...]";
}

std::expected<FieldType, std::string> ParseFieldType(std::string_view text) {
  for (const auto& [name, kind] : kSimpleKinds) {
    if (text == name) return FieldType{kind, {}};
  }
  if (text.starts_with("Literal[")) return ParseLiteral(text);
  if (text.starts_with("list[") && text.ends_with("]")) {
    std::string_view inner = Trim(text.substr(5, text.size() - 6));
    if (inner == "str") return FieldType{FieldKind::kListStr, {}};
    if (inner == "int") return FieldType{FieldKind::kListInt, {}};
    if (inner == "float") return FieldType{FieldKind::kListFloat, {}};
    return std::unexpected("expected list[str], list[int] or list[float], got " + Got(text));
  }
  return std::unexpected("expected one of " + std::string(FieldTypeList()) + ", got " + Got(text));
}

bool KindAllowsRange(FieldKind kind) {
  return kind == FieldKind::kInt || kind == FieldKind::kFloat || kind == FieldKind::kListInt ||
         kind == FieldKind::kListFloat;
}

bool KindAllowsLength(FieldKind kind) {
  return kind == FieldKind::kStr || kind == FieldKind::kListStr || kind == FieldKind::kListInt ||
         kind == FieldKind::kListFloat || kind == FieldKind::kDict;
}

void CheckFieldValue(const SchemaField& field, const nlohmann::json& value,
                     std::vector<Violation>& out) {
  // Described only on a violation (MatchesType sets it when a list element is the culprit):
  // describing every valid value was 8% of a load run's instructions.
  std::string found;
  if (value.is_null() || !MatchesType(field, value, found)) {
    if (found.empty()) found = DescribeJson(value);
    const bool literal_miss = field.kind == FieldKind::kLiteral && !value.is_null();
    out.push_back({field.name, literal_miss ? "not_in_literal" : "wrong_type",
                   "expected " + DescribeFieldType(field) + ", got " + found});
    return;
  }
  if (KindAllowsRange(field.kind)) CheckRange(field, value, out);
  if (KindAllowsLength(field.kind)) CheckLength(field, value, out);
}

}  // namespace agentsim
