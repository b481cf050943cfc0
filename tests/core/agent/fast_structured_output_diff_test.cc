// Differential test of ParseLlmOutput's direct read of valid outputs (FastReadStructured,
// core/agent/fast_structured_output.h) against the general path, over many generated outputs:
// for every agent config shipped in scenarios/configs/ (and one schema with every field kind),
// valid objects from the mock's SchemaValueGenerator (fixed seeds), mutations of them (a field
// dropped, a value of the wrong type, out of range, too long, an unknown or repeated key,
// non-ASCII text, "\u" escapes, -0, 1e400, deep nesting...) and the mock's malformed outputs.
//
// Each output is read by ParseLlmOutput in strict mode (keep_object true and false) and every
// field of the result is compared, exactly, with the general path computed from public
// functions without the direct read: FastParseJson, else nlohmann (after the depth check), then
// DynamicSchema::Validate, WithDefaults, ExtractSpokenOutput and PublicPayloadText, as Finish in
// core/agent/llm_output_parser.cc. Outputs that are not one JSON value never reach the direct
// read's answer (the general path classifies them); for those the test checks that
// FastReadStructured does not answer kDone and that keep_object changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/fast_structured_output.h"
#include "core/agent/json_fast_parse.h"
#include "core/agent/json_repair.h"
#include "core/agent/llm_output_parser.h"
#include "core/agent/structured_output.h"
#include "core/config/agent_config.h"
#include "core/json/json_document.h"
#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/malformed_output.h"
#include "mocks/response_corpus.h"
#include "mocks/schema_value_generator.h"

namespace agentsim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

struct NamedSchema {
  std::string name;
  DynamicSchema schema;
  std::string text_field;
};

// Every field kind, with constraints, defaults, hidden and TTS fields (as the hand-written
// cases of fast_structured_output_test.cc).
constexpr const char* kAllKindsSchema = R"({
  "schema_id": "all_kinds",
  "fields": [
    {"field_name": "system_response", "field_type": "str",
     "constraints": {"min_length": 1, "max_length": 40}},
    {"field_name": "voice_instructions", "field_type": "str", "required": false,
     "default": "calm", "metadata": {"use_in_tts": true}},
    {"field_name": "pace", "field_type": "str", "required": false,
     "metadata": {"use_in_tts": true}},
    {"field_name": "secret", "field_type": "str", "required": false,
     "metadata": {"hidden": true}},
    {"field_name": "score", "field_type": "int", "required": false,
     "constraints": {"ge": 0, "le": 100}},
    {"field_name": "confidence", "field_type": "float", "required": false,
     "constraints": {"ge": 0.0, "le": 1.0}},
    {"field_name": "ratio", "field_type": "float", "required": false},
    {"field_name": "done", "field_type": "bool", "required": false},
    {"field_name": "mood", "field_type": "Literal['up', 'down']", "required": false},
    {"field_name": "level", "field_type": "Literal[-1, 2]", "required": false},
    {"field_name": "tags", "field_type": "list[str]", "default": [],
     "constraints": {"max_length": 2}},
    {"field_name": "counts", "field_type": "list[int]", "required": false,
     "constraints": {"ge": 0}},
    {"field_name": "weights", "field_type": "list[float]", "required": false,
     "constraints": {"le": 1}},
    {"field_name": "extra", "field_type": "dict", "required": false,
     "constraints": {"max_length": 1}}
  ]})";

// The shipped configs, in file-name order, and the all-kinds schema last.
const std::vector<NamedSchema>& Schemas() {
  static const std::vector<NamedSchema> schemas = [] {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry :
         std::filesystem::directory_iterator(AGENTSIM_SOURCE_DIR "/scenarios/configs")) {
      if (entry.path().extension() == ".json") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<NamedSchema> out;
    for (const std::filesystem::path& path : paths) {
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      Result<AgentConfig> config = ParseAgentConfig(path.filename().string(), text.str());
      if (!config) {
        ADD_FAILURE() << path << ": " << config.error().message;
        continue;
      }
      out.push_back({path.stem().string(), config->schema, config->tts.text_field});
    }
    Result<DynamicSchema> all = DynamicSchema::Compile(json::parse(kAllKindsSchema));
    if (!all) {
      ADD_FAILURE() << all.error().message;
    } else {
      out.push_back({"all_kinds", *all, "system_response"});
    }
    return out;
  }();
  return schemas;
}

// ---- The general path, from public functions ----------------------------------------------

// ParseLlmOutput's reading of the whole output as one JSON value without the direct read:
// FastParseJson, else (within the depth limit) nlohmann. nullopt: not one JSON value.
std::optional<json> GeneralParse(std::string_view raw, int max_depth) {
  if (std::optional<json> fast = FastParseJson(raw, max_depth)) return fast;
  if (JsonNestingDepth(raw, max_depth) > max_depth) return std::nullopt;
  json value = json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

// The general path's result for `raw` (strict mode), when `raw` is one JSON value; nullopt
// otherwise (empty, blank, not JSON, too deep, ...: classified by code the direct read never
// answers for).
std::optional<ParsedLlmOutput> Reference(std::string_view raw, const DynamicSchema& schema,
                                         const LlmOutputOptions& options) {
  if (raw.empty() || raw.size() > options.max_bytes || IsBlank(raw)) return std::nullopt;
  std::optional<json> value = GeneralParse(raw, options.max_depth);
  if (!value) return std::nullopt;
  ParsedLlmOutput out;
  out.outcome = TurnOutcome::kFallback;
  if (!value->is_object()) {
    out.reason = reason::kNotAnObject;
    out.detail = "expected a JSON object, got " + DescribeJson(*value);
    return out;
  }
  out.violations = schema.Validate(*value);
  if (!out.violations.empty()) {
    out.reason = reason::kValidationFailed;
    const std::size_t n = out.violations.size();
    out.detail = std::to_string(n) + " schema violation" + (n == 1 ? "" : "s");
    out.object = std::move(*value);
    return out;
  }
  out.object = schema.WithDefaults(*value, &out.defaults_applied);
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.spoken = ExtractSpokenOutput(out.object, schema, options.text_field);
  out.room_payload = schema.PublicPayloadText(out.object, &out.room_fields);
  if (!options.keep_object) out.object = json();
  return out;
}

// ---- Exact comparison -----------------------------------------------------------------------

// Same JSON types all the way down (number_unsigned vs number_integer vs number_float too),
// doubles bit for bit, object keys and order as stored.
bool SameJson(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      auto ib = b.begin();
      for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !SameJson(ia.value(), ib.value())) return false;
      }
      return true;
    }
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!SameJson(a[i], b[i])) return false;
      }
      return true;
    }
    case json::value_t::number_float:
      return std::bit_cast<std::uint64_t>(a.get<double>()) ==
             std::bit_cast<std::uint64_t>(b.get<double>());
    default:
      return a == b;
  }
}

std::string Describe(const std::vector<Violation>& violations) {
  std::string s;
  for (const Violation& v : violations) s += v.field + "/" + v.reason + "/" + v.message + "; ";
  return s;
}

std::string Describe(const CoercionCounts& counts) {
  std::string s;
  for (const auto& [name, n] : counts.NonZero())
    s += std::string(name) + "=" + std::to_string(n) + " ";
  return s;
}

// The first difference between two results ("" when none); `skip_object` leaves `object` out.
std::string Difference(const ParsedLlmOutput& got, const ParsedLlmOutput& want,
                       bool skip_object = false) {
  auto line = [](std::string_view what, const std::string& g, const std::string& w) {
    return std::string(what) + ": got [" + g + "], want [" + w + "]";
  };
  if (got.outcome != want.outcome) {
    return line("outcome", std::to_string(static_cast<int>(got.outcome)),
                std::to_string(static_cast<int>(want.outcome)));
  }
  if (got.reason != want.reason) {
    return line("reason", std::string(got.reason), std::string(want.reason));
  }
  if (got.detail != want.detail) return line("detail", got.detail, want.detail);
  if (!skip_object && !SameJson(got.object, want.object)) {
    return line("object", got.object.dump(), want.object.dump());
  }
  if (!(got.coercions == want.coercions)) {
    return line("coercions", Describe(got.coercions), Describe(want.coercions));
  }
  if (got.defaults_applied != want.defaults_applied) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const std::string& x : v) s += x + ",";
      return s;
    };
    return line("defaults_applied", join(got.defaults_applied), join(want.defaults_applied));
  }
  bool same_violations = got.violations.size() == want.violations.size();
  for (std::size_t i = 0; same_violations && i < got.violations.size(); ++i) {
    const Violation& g = got.violations[i];
    const Violation& w = want.violations[i];
    same_violations = g.field == w.field && g.reason == w.reason && g.message == w.message;
  }
  if (!same_violations) {
    return line("violations", Describe(got.violations), Describe(want.violations));
  }
  if (got.spoken.text != want.spoken.text) {
    return line("spoken.text", got.spoken.text, want.spoken.text);
  }
  if (got.spoken.voice_instructions != want.spoken.voice_instructions) {
    return line("spoken.voice_instructions", got.spoken.voice_instructions,
                want.spoken.voice_instructions);
  }
  if (got.room_payload != want.room_payload) {
    return line("room_payload", got.room_payload, want.room_payload);
  }
  if (got.room_fields != want.room_fields) {
    return line("room_fields", std::to_string(got.room_fields), std::to_string(want.room_fields));
  }
  return "";
}

// Tallies per schema, and the checks of one output.
struct Tally {
  int outputs = 0;
  int fast_done = 0;   // FastReadStructured answered kDone (keep_object true)
  int structured = 0;  // ParseLlmOutput structured
  int validation_failed = 0;
  int not_one_value = 0;  // not one JSON value: classified by the general path only
  int other = 0;          // one JSON value, not an object
  int failures = 0;
};

constexpr int kMaxReportedFailures = 20;

void Check(const std::string& raw, const NamedSchema& ns, int max_depth, std::string_view kind,
           Tally& tally) {
  ++tally.outputs;
  LlmOutputOptions options;
  options.mode = CoercionMode::kStrict;
  options.text_field = ns.text_field;
  options.max_depth = max_depth;
  auto fail = [&](const std::string& what) {
    if (++tally.failures <= kMaxReportedFailures) {
      ADD_FAILURE() << ns.name << " (" << kind << ", max_depth " << max_depth << "): " << what
                    << "\n  output (" << raw.size() << " bytes): " << EscapeForMessage(raw);
    }
  };

  options.keep_object = true;
  const ParsedLlmOutput kept = ParseLlmOutput(raw, ns.schema, options);
  options.keep_object = false;
  const ParsedLlmOutput dropped = ParseLlmOutput(raw, ns.schema, options);

  // keep_object changes `object` only: the full object when kept, null when structured and not.
  if (std::string d = Difference(dropped, kept, /*skip_object=*/true); !d.empty()) {
    fail("keep_object=false vs true: " + d);
  }
  if (kept.structured()) {
    if (!dropped.object.is_null()) fail("keep_object=false kept " + dropped.object.dump());
    if (kept.object.is_null()) fail("keep_object=true left the object null");
  } else if (!SameJson(dropped.object, kept.object)) {
    fail("fallback object differs with keep_object: " + dropped.object.dump() + " vs " +
         kept.object.dump());
  }

  // Which answer the direct read gives (the result is compared through ParseLlmOutput).
  bool done = false;
  if (!raw.empty() && !IsBlank(raw)) {
    options.keep_object = true;
    ParsedLlmOutput out;
    json value;
    const FastRead read = FastReadStructured(raw, ns.schema, options, out, value);
    done = read == FastRead::kDone;
    if (read == FastRead::kParsed) {
      const std::optional<json> general = GeneralParse(raw, max_depth);
      if (!general) {
        fail("FastReadStructured parsed what the general path does not: " + value.dump());
      } else if (!SameJson(value, *general)) {
        fail("kParsed value " + value.dump() + " vs general " + general->dump());
      }
    }
  }
  if (done) ++tally.fast_done;

  for (const bool keep_object : {true, false}) {
    options.keep_object = keep_object;
    const ParsedLlmOutput& got = keep_object ? kept : dropped;
    const std::optional<ParsedLlmOutput> want = Reference(raw, ns.schema, options);
    if (!want) {
      if (done) fail("the direct read answered an output that is not one JSON value");
      if (got.structured()) fail("structured, but not one JSON value");
      if (got.reason == reason::kOk || got.reason == reason::kValidationFailed ||
          got.reason == reason::kNotAnObject) {
        fail("reason " + std::string(got.reason) + " for an output that is not one JSON value");
      }
      if (keep_object) ++tally.not_one_value;
      continue;
    }
    if (std::string d = Difference(got, *want); !d.empty()) {
      fail(std::string("keep_object=") + (keep_object ? "true" : "false") +
           (done ? " (direct read) " : " (general path) ") + d);
    }
    if (keep_object) {
      if (got.structured()) {
        ++tally.structured;
      } else if (got.reason == reason::kValidationFailed) {
        ++tally.validation_failed;
      } else {
        ++tally.other;
      }
    }
  }
}

// ---- Mutations ----------------------------------------------------------------------------

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

// Generated outputs for one schema: each passed to `check(raw, kind)`.
template <typename CheckFn>
void Generate(const NamedSchema& ns, std::uint64_t seed, int valid_count, CheckFn check) {
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  const DynamicSchema& schema = ns.schema;
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

TEST(FastStructuredOutputDiffTest, EveryShippedSchemaAgreesWithTheGeneralPath) {
  const std::vector<NamedSchema>& schemas = Schemas();
  ASSERT_GE(schemas.size(), 15u);  // 14 shipped configs and all_kinds
  std::uint64_t seed = 1000;
  for (const NamedSchema& ns : schemas) {
    Tally tally;
    std::map<std::string, int> kinds;
    Generate(ns, ++seed, 200, [&](const std::string& raw, std::string_view kind) {
      ++kinds[std::string(kind)];
      Check(raw, ns, kMaxLlmOutputDepth, kind, tally);
    });
    std::printf(
        "%-36s %5d outputs: %5d direct reads, %5d structured, %5d validation_failed, "
        "%4d other JSON, %4d not one value\n",
        ns.name.c_str(), tally.outputs, tally.fast_done, tally.structured, tally.validation_failed,
        tally.other, tally.not_one_value);
    EXPECT_EQ(tally.failures, 0) << ns.name;
    // The direct read is exercised: most valid outputs go through it.
    EXPECT_GE(tally.fast_done, 200) << ns.name;
    EXPECT_GT(tally.validation_failed, 0) << ns.name;
  }
}

// Small depth limits: the direct read needs max_depth >= 2, and a dict value is converted with
// one level less.
TEST(FastStructuredOutputDiffTest, SmallDepthLimitsAgreeWithTheGeneralPath) {
  const NamedSchema& all = Schemas().back();
  ASSERT_EQ(all.name, "all_kinds");
  for (const int max_depth : {1, 2, 3, 4}) {
    Tally tally;
    Generate(all, 77, 60, [&](const std::string& raw, std::string_view kind) {
      Check(raw, all, max_depth, kind, tally);
    });
    EXPECT_EQ(tally.failures, 0) << max_depth;
    if (max_depth == 1) {
      EXPECT_EQ(tally.fast_done, 0);
    }
  }
}

// Every number text and every string text in every field of one valid object per schema.
TEST(FastStructuredOutputDiffTest, EveryValueTextInEveryFieldAgrees) {
  for (const NamedSchema& ns : Schemas()) {
    SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
    Rng rng(9);
    const ordered_json base = generator.Object(ns.schema, 1.0, rng);
    Tally tally;
    for (const SchemaField& field : ns.schema.fields()) {
      for (const std::string& text : NumberTexts()) {
        Check(WithRawValue(base, field.name, text), ns, kMaxLlmOutputDepth, "number_text", tally);
        Check(WithRawValue(base, field.name, "[" + text + "]"), ns, kMaxLlmOutputDepth,
              "number_list", tally);
      }
      for (const std::string& text : StringTexts()) {
        Check(WithRawValue(base, field.name, text), ns, kMaxLlmOutputDepth, "string_text", tally);
        Check(WithRawValue(base, field.name, "[" + text + "]"), ns, kMaxLlmOutputDepth,
              "string_list", tally);
      }
    }
    EXPECT_EQ(tally.failures, 0) << ns.name;
    EXPECT_GT(tally.fast_done, 0) << ns.name;
  }
}

// The spoken text taken from each field in turn (a str one, a TTS one, a number, a default, an
// absent one).
TEST(FastStructuredOutputDiffTest, EveryTextFieldAgrees) {
  NamedSchema ns = Schemas().back();
  ASSERT_EQ(ns.name, "all_kinds");
  std::vector<std::string> names = {"nope", ""};
  for (const SchemaField& field : ns.schema.fields()) names.push_back(field.name);
  for (const std::string& name : names) {
    ns.text_field = name;
    Tally tally;
    Generate(ns, 31, 20, [&](const std::string& raw, std::string_view kind) {
      Check(raw, ns, kMaxLlmOutputDepth, kind, tally);
    });
    EXPECT_EQ(tally.failures, 0) << name;
    EXPECT_GT(tally.fast_done, 0) << name;
  }
}

// A dict value nested around the depth limit, for several limits.
TEST(FastStructuredOutputDiffTest, DictNestingAroundTheDepthLimitAgrees) {
  const NamedSchema& all = Schemas().back();
  ASSERT_EQ(all.name, "all_kinds");
  for (const int max_depth : {2, 3, 5, 64}) {
    Tally tally;
    for (int levels = 1; levels <= max_depth + 2; ++levels) {
      std::string objects = "1";
      for (int l = 0; l < levels; ++l) objects = "{\"k\":" + objects + "}";
      const std::string arrays = "{\"k\":" + Nested(levels - 1, "true") + "}";
      for (const std::string& value : {objects, arrays}) {
        Check(R"({"system_response":"x","extra":)" + value + "}", all, max_depth, "dict_nesting",
              tally);
      }
    }
    EXPECT_EQ(tally.failures, 0) << max_depth;
    EXPECT_GT(tally.fast_done, 0) << max_depth;
  }
}

}  // namespace
}  // namespace agentsim
