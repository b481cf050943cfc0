// Generated and mutated outputs (structured_output_mutations.h).
#include "tests/core/agent/structured_output_mutations.h"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/malformed_output.h"
#include "mocks/response_corpus.h"
#include "mocks/schema_value_generator.h"

namespace agentsim::structured_output_test {

using nlohmann::json;
using nlohmann::ordered_json;

// `object` with `field`'s value written as the raw JSON text `value_text`.
std::string WithRawValue(ordered_json object, const std::string& field,
                         std::string_view value_text) {
  static constexpr std::string_view kMark = "\"@@raw-value@@\"";
  object[field] = "@@raw-value@@";
  std::string text = object.dump();
  const std::size_t at = text.find(kMark);
  text.replace(at, kMark.size(), value_text);
  return text;
}

// Nested arrays around `inner`, `levels` deep.
std::string Nested(int levels, std::string_view inner) {
  return std::string(static_cast<std::size_t>(levels), '[') + std::string(inner) +
         std::string(static_cast<std::size_t>(levels), ']');
}

const std::vector<std::string>& NumberTexts() {
  static const std::vector<std::string> texts = {"-0",
                                                 "-0.0",
                                                 "0.0",
                                                 "-0e0",
                                                 "0e0",
                                                 "1e400",
                                                 "-1e400",
                                                 "1e-400",
                                                 "1E2",
                                                 "1.0",
                                                 "2.50",
                                                 "100.0",
                                                 "0.1",
                                                 "5e-324",
                                                 "1.7976931348623157e308",
                                                 "18446744073709551615",
                                                 "18446744073709551616",
                                                 "9223372036854775807",
                                                 "-9223372036854775808",
                                                 "-9223372036854775809",
                                                 "-1",
                                                 "0",
                                                 "1",
                                                 "100",
                                                 "101",
                                                 "1.0000000000000002",
                                                 "0.9999999999",
                                                 "1e2",
                                                 "-1e-2",
                                                 "00",
                                                 "01",
                                                 "+1",
                                                 ".5",
                                                 "1.",
                                                 "NaN",
                                                 "Infinity",
                                                 "-",
                                                 "1e",
                                                 "0x10"};
  return texts;
}

const std::vector<std::string>& StringTexts() {
  static const std::vector<std::string> texts = {
      R"("caf\u00e9")",
      R"("\u0041BC")",
      R"("\ud83d\ude00 smile")",
      R"("lone \ud800")",
      R"("esc \" \\ \/ \b \f \n \r \t")",
      "\"caf\xC3\xA9 \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC\"",
      "\"bad \xFF byte\"",
      "\"raw\ttab\"",
      "\"raw\nnewline\"",
      "\"del \x7F char\"",
      R"("</script>")",
      R"("")",
      R"(" ")",
      R"("\u0000nul")",
      R"("\x41")",
      R"("\'")",
      "\"\xC3\xA9\xC3\xA9\xC3\xA9\"",
      "\"overlong \xC0\xAF\"",
      "\"\xEF\xBB\xBF bom inside\""};
  return texts;
}

// Strings of exactly `n` code points: ASCII, and two-byte characters (bytes > code points).
std::string AsciiString(std::int64_t n) { return std::string(static_cast<std::size_t>(n), 'a'); }
std::string TwoByteString(std::int64_t n) {
  std::string s;
  for (std::int64_t i = 0; i < n; ++i) s += "\xC3\xA9";
  return s;
}

void Generate(const DynamicSchema& schema, std::uint64_t seed, int valid_count,
              const OutputCheck& check) {
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  const std::span<const SchemaField> fields = schema.fields();
  Rng root(seed);
  for (int i = 0; i < valid_count; ++i) {
    Rng rng = root.Fork(static_cast<std::uint64_t>(i));
    const double optional_rate = (i % 3 == 0) ? 0.0 : (i % 3 == 1 ? 0.5 : 1.0);
    ordered_json base = generator.Object(schema, optional_rate, rng);
    const std::string compact = base.dump();
    check(compact, "valid");
    std::string appended;
    Rng same = root.Fork(static_cast<std::uint64_t>(i));
    generator.AppendObjectText(schema, optional_rate, same, appended);
    check(appended, "valid_appended");
    if (i % 4 == 0) check(base.dump(2), "valid_pretty");
    if (i % 4 == 1) check(" \r\n\t" + compact + "\n ", "valid_blanks");
    if (i % 4 == 2) {  // keys in reverse order
      ordered_json reversed;
      std::vector<std::string> keys;
      for (auto it = base.begin(); it != base.end(); ++it) keys.push_back(it.key());
      for (auto k = keys.rbegin(); k != keys.rend(); ++k) reversed[*k] = base[*k];
      check(reversed.dump(), "valid_reversed");
    }

    const SchemaField& field = fields[rng.Index(fields.size())];
    // Drop the field (required: missing_required; optional: a default may apply).
    if (base.contains(field.name)) {
      ordered_json dropped = base;
      dropped.erase(field.name);
      check(dropped.dump(), field.required ? "drop_required" : "drop_optional");
    }
    // A value of another type; null.
    {
      ordered_json wrong = base;
      wrong[field.name] = generator.WrongTypeValue(field, rng);
      check(wrong.dump(), "wrong_type");
      wrong[field.name] = nullptr;
      check(wrong.dump(), "null_value");
    }
    // An unknown key, first or last.
    {
      ordered_json extra = base;
      extra["unexpected_key"] = 1;
      check(extra.dump(), "unknown_key_last");
      ordered_json first;
      first["zz_unknown"] = "x";
      for (auto it = base.begin(); it != base.end(); ++it) first[it.key()] = it.value();
      check(first.dump(), "unknown_key_first");
    }
    // A repeated key: a wrong value first (the last wins: valid), and a wrong value last.
    {
      const std::string value = generator.Value(field, rng).dump();
      const std::string bad = generator.WrongTypeValue(field, rng).dump();
      std::string first = compact;
      first.insert(1, "\"" + field.name + "\":" + bad + (compact.size() > 2 ? "," : ""));
      check(first, "repeated_key_wrong_first");
      std::string last = compact;
      last.insert(last.size() - 1,
                  std::string(compact.size() > 2 ? "," : "") + "\"" + field.name + "\":" + value);
      check(last, "repeated_key_valid_last");
      std::string last_bad = compact;
      last_bad.insert(last_bad.size() - 1,
                      std::string(compact.size() > 2 ? "," : "") + "\"" + field.name + "\":" + bad);
      check(last_bad, "repeated_key_wrong_last");
    }
    // Numbers as text, strings as text (escapes, non-ASCII, invalid UTF-8) in the field.
    const std::vector<std::string>& numbers = NumberTexts();
    const std::vector<std::string>& strings = StringTexts();
    check(WithRawValue(base, field.name, numbers[rng.Index(numbers.size())]), "number_text");
    check(WithRawValue(base, field.name, strings[rng.Index(strings.size())]), "string_text");
    // Length bounds of str and list fields: at, past, below; ASCII and two-byte text.
    const FieldConstraints& c = field.constraints;
    if (field.kind == FieldKind::kStr) {
      ordered_json o = base;
      if (c.max_length) {
        for (const std::int64_t n : {*c.max_length, *c.max_length + 1}) {
          o[field.name] = AsciiString(n);
          check(o.dump(), n > *c.max_length ? "str_too_long" : "str_max_length");
          o[field.name] = TwoByteString(n);
          check(o.dump(), n > *c.max_length ? "str_too_long_utf8" : "str_max_length_utf8");
        }
      }
      if (c.max_length && *c.max_length > 0) {  // escapes: more bytes than characters
        o[field.name] = AsciiString(*c.max_length - 1) + "\n";
        check(o.dump(), "str_max_length_escaped");
        o[field.name] = AsciiString(*c.max_length) + "\"";
        check(o.dump(), "str_too_long_escaped");
      }
      if (c.min_length && *c.min_length > 0) {
        o[field.name] = AsciiString(*c.min_length - 1);
        check(o.dump(), "str_too_short");
      }
    }
    if (field.kind == FieldKind::kListStr || field.kind == FieldKind::kListInt ||
        field.kind == FieldKind::kListFloat) {
      ordered_json o = base;
      const std::int64_t n = c.max_length ? *c.max_length + 1 : 3;
      ordered_json list = ordered_json::array();
      for (std::int64_t k = 0; k < n; ++k) {
        if (field.kind == FieldKind::kListStr) {
          list.push_back("w" + std::to_string(k));
        } else if (field.kind == FieldKind::kListInt) {
          list.push_back(k);
        } else {
          list.push_back(0.5);
        }
      }
      o[field.name] = list;
      check(o.dump(), "list_too_long_or_long");
      o[field.name] = ordered_json::array({generator.Value(field, rng), 1, "x", nullptr});
      check(o.dump(), "list_mixed_items");
    }
    // Ranges of numeric fields: at the bounds, just past them, floats where ints go.
    if (c.ge || c.le) {
      std::vector<std::string> texts;
      for (const std::optional<double>& bound : {c.ge, c.le}) {
        if (!bound) continue;
        for (const double d : {*bound, *bound - 1, *bound + 1, *bound - 1e-9, *bound + 1e-9}) {
          texts.push_back(json(d).dump());
          if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
            texts.push_back(std::to_string(static_cast<std::int64_t>(d)));
          }
        }
      }
      for (const std::string& t : texts) {
        const bool list = field.kind == FieldKind::kListInt || field.kind == FieldKind::kListFloat;
        check(WithRawValue(base, field.name, list ? "[" + t + "]" : t), "range_bound");
      }
    }
    // Literal fields: every value, another case, and an integer as a float.
    if (field.kind == FieldKind::kLiteral) {
      for (const json& literal : field.literal_values) {
        ordered_json o = base;
        o[field.name] = ordered_json::parse(literal.dump());
        check(o.dump(), "literal_value");
        if (literal.is_string()) {
          std::string upper = literal.get<std::string>();
          for (char& ch : upper)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          o[field.name] = upper;
          check(o.dump(), "literal_upper");
        } else {
          check(WithRawValue(base, field.name, literal.dump() + ".0"), "literal_as_float");
        }
      }
    }
    // Nesting: a nested value in the field, and one past the depth limit.
    if (i % 5 == 0) {
      check(WithRawValue(base, field.name, R"({"a":[{"b":[1,2.5,{"c":null}]}],"d":{}})"),
            "nested_value");
      check(WithRawValue(base, field.name, Nested(62, "1")), "nested_62");      // 63 levels
      check(WithRawValue(base, field.name, Nested(63, "1")), "nested_63");      // 64 levels
      check(WithRawValue(base, field.name, Nested(64, "\"x\"")), "nested_64");  // too deep
    }
    // The field's key written with an escape (the same key to nlohmann).
    if (i % 7 == 0 && base.contains(field.name) && !field.name.empty()) {
      std::string text = compact;
      const std::string quoted = "\"" + field.name + "\":";
      const std::size_t at = text.find(quoted);
      if (at != std::string::npos) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned char>(field.name[0]));
        text.replace(at + 1, 1, hex);
        check(text, "escaped_key");
      }
    }
    // The mock's malformed outputs, every kind.
    if (i % 10 == 0) {
      for (int k = 0; k < kOutputMalformationCount; ++k) {
        const auto kind = static_cast<OutputMalformation>(k);
        if (std::optional<std::string> m = MalformOutput(compact, kind, schema, rng)) {
          check(*m, OutputMalformationName(kind));
        }
      }
    }
    // Other shapes around the object.
    if (i % 10 == 5) {
      check("[" + compact + "]", "in_array");
      check(compact + "x", "trailing_garbage");
      check(compact + "}", "extra_brace");
      check("\xEF\xBB\xBF" + compact, "bom");
      check(compact + compact, "two_objects");
      check(compact.substr(0, compact.size() - 1), "cut_off");
      check("\"" + compact.substr(0, 8) + "\"", "a_string");
      check("42", "a_number");
      check("{}", "empty_object");
      check("null", "null");
    }
  }
}

}  // namespace agentsim::structured_output_test
