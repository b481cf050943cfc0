// FastReadStructured reads a valid object straight from simdjson's DOM: where it answers kDone,
// its result must be exactly what the general path builds from nlohmann::json (FastParseJson,
// Validate, WithDefaults, ExtractSpokenOutput, PublicPayloadText); everywhere else it must hand
// back FastParseJson's value (kParsed) or decline as FastParseJson does (kDeclined).
#include "core/agent/fast_structured_output.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/agent/json_fast_parse.h"
#include "core/agent/structured_output.h"
#include "tests/core/agent/structured_output_reference.h"

namespace agentsim {
namespace {

using nlohmann::json;

using structured_output_test::AllKindsSchema;

struct FastCase {
  std::string name;
  std::string raw;
  FastRead expected;
  std::string payload;  // kDone only: the exact room payload
};

void PrintTo(const FastCase& c, std::ostream* os) { *os << c.name; }

// What ParseLlmOutput's general path makes of a valid object (Finish in llm_output_parser.cc).
ParsedLlmOutput Reference(const json& object, const LlmOutputOptions& options) {
  const DynamicSchema& schema = AllKindsSchema();
  ParsedLlmOutput out;
  EXPECT_TRUE(schema.Validate(object).empty());
  out.object = schema.WithDefaults(object, &out.defaults_applied);
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.spoken = ExtractSpokenOutput(out.object, schema, options.text_field);
  out.room_payload = schema.PublicPayloadText(out.object, &out.room_fields);
  return out;
}

class FastReadTest : public ::testing::TestWithParam<FastCase> {};

TEST_P(FastReadTest, AnswersOnlyWhatTheGeneralPathWouldAgreeWith) {
  const FastCase& c = GetParam();
  for (const bool keep_object : {true, false}) {
    LlmOutputOptions options;
    options.keep_object = keep_object;
    ParsedLlmOutput out;
    json value;
    const FastRead got = FastReadStructured(c.raw, AllKindsSchema(), options, out, value);
    ASSERT_EQ(static_cast<int>(got), static_cast<int>(c.expected)) << keep_object;
    const std::optional<json> fast = FastParseJson(c.raw, options.max_depth);
    if (got == FastRead::kDeclined) {
      EXPECT_FALSE(fast.has_value());
      EXPECT_TRUE(value.is_null());
      EXPECT_EQ(out.reason, reason::kNotJson);  // untouched
      continue;
    }
    ASSERT_TRUE(fast.has_value());
    if (got == FastRead::kParsed) {
      EXPECT_EQ(value.dump(), fast->dump());
      EXPECT_EQ(out.reason, reason::kNotJson);
      EXPECT_TRUE(out.room_payload.empty());
      continue;
    }
    const ParsedLlmOutput ref = Reference(*fast, options);
    EXPECT_EQ(out.outcome, TurnOutcome::kStructured);
    EXPECT_EQ(out.reason, reason::kOk);
    EXPECT_EQ(out.detail, "");
    EXPECT_EQ(out.room_payload, c.payload);
    EXPECT_EQ(out.room_payload, ref.room_payload);
    EXPECT_EQ(out.room_fields, ref.room_fields);
    EXPECT_EQ(out.spoken.text, ref.spoken.text);
    EXPECT_EQ(out.spoken.voice_instructions, ref.spoken.voice_instructions);
    EXPECT_EQ(out.defaults_applied, ref.defaults_applied);
    EXPECT_TRUE(out.violations.empty());
    EXPECT_EQ(out.coercions.Total(), 0);
    EXPECT_EQ(out.object.dump(), keep_object ? ref.object.dump() : "null");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, FastReadTest,
    ::testing::Values(
        FastCase{"minimal", R"({"system_response": "Hi."})", FastRead::kDone,
                 R"({"system_response":"Hi.","tags":[],"voice_instructions":"calm"})"},
        FastCase{"every_kind",
                 R"({"weights": [0.5, 1, 1e-1], "system_response": "Say \"hi\"\n",)"
                 R"( "pace": "slow", "voice_instructions": "warm", "secret": "s", "score": 100,)"
                 R"( "confidence": 0.0, "done": false, "mood": "down", "level": -1,)"
                 R"( "tags": ["a", "b"], "counts": [0, 7, 18446744073709551615],)"
                 R"( "extra": {"k": {"z": [null, true, 2.50]}}})",
                 FastRead::kDone,
                 R"({"confidence":0.0,"counts":[0,7,18446744073709551615],"done":false,)"
                 R"("extra":{"k":{"z":[null,true,2.5]}},"level":-1,"mood":"down","pace":"slow",)"
                 R"("score":100,"system_response":"Say \"hi\"\n","tags":["a","b"],)"
                 R"("voice_instructions":"warm","weights":[0.5,1,0.1]})"},
        FastCase{"integer_literal_and_float_as_integer",
                 R"({"system_response": "x", "level": 2, "confidence": 1, "tags": []})",
                 FastRead::kDone,
                 R"({"confidence":1,"level":2,"system_response":"x","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        FastCase{"doubles_as_dump_writes_them", R"({"system_response": "x", "ratio": 1e300})",
                 FastRead::kDone,
                 R"({"ratio":1e+300,"system_response":"x","tags":[],"voice_instructions":"calm"})"},
        FastCase{"small_double", R"({"system_response": "x", "ratio": 1.5e-7})", FastRead::kDone,
                 R"({"ratio":1.5e-07,"system_response":"x","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        FastCase{"negative_double", R"({"system_response": "x", "ratio": -2.50E1})",
                 FastRead::kDone,
                 R"({"ratio":-25.0,"system_response":"x","tags":[],"voice_instructions":"calm"})"},
        FastCase{"long_double", R"({"system_response": "x", "ratio": 123456789.123456789})",
                 FastRead::kDone,
                 R"({"ratio":123456789.12345679,"system_response":"x","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        FastCase{"keys_sharing_first_letters",
                 R"({"system_response": "x", "score": 1, "secret": "s", "pace": "p"})",
                 FastRead::kDone,
                 R"({"pace":"p","score":1,"system_response":"x","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        FastCase{"pretty_printed", "{\n  \"system_response\": \"ok\",\n\t\"pace\": \"fast\"\r\n}\n",
                 FastRead::kDone,
                 R"({"pace":"fast","system_response":"ok","tags":[],"voice_instructions":"calm"})"},
        FastCase{"only_hidden_besides_required", R"({"secret": "x", "system_response": "y"})",
                 FastRead::kDone,
                 R"({"system_response":"y","tags":[],"voice_instructions":"calm"})"},
        // Violations, repeated keys and non-objects go back to the general path, parsed.
        FastCase{"missing_required", R"({"pace": "slow"})", FastRead::kParsed, ""},
        FastCase{"unknown_field", R"({"system_response": "a", "other": 1})", FastRead::kParsed,
                 ""},
        FastCase{"repeated_key", R"({"system_response": "a", "system_response": "b"})",
                 FastRead::kParsed, ""},
        FastCase{"null_value", R"({"system_response": "a", "pace": null})", FastRead::kParsed,
                 ""},
        FastCase{"too_short", R"({"system_response": ""})", FastRead::kParsed, ""},
        FastCase{"too_long", R"({"system_response": "12345678901234567890123456789012345678901"})",
                 FastRead::kParsed, ""},
        FastCase{"int_is_float", R"({"system_response": "a", "score": 5.0})", FastRead::kParsed,
                 ""},
        FastCase{"above_le", R"({"system_response": "a", "score": 101})", FastRead::kParsed, ""},
        FastCase{"int_below_ge", R"({"system_response": "a", "score": -1})", FastRead::kParsed,
                 ""},
        FastCase{"below_ge", R"({"system_response": "a", "confidence": -0.5})",
                 FastRead::kDeclined, ""},  // "-0" in the text: FastParseJson declines
        FastCase{"float_above_le", R"({"system_response": "a", "confidence": 1.5})",
                 FastRead::kParsed, ""},
        FastCase{"not_in_literal", R"({"system_response": "a", "mood": "Up"})",
                 FastRead::kParsed, ""},
        FastCase{"int_literal_miss", R"({"system_response": "a", "level": 1})",
                 FastRead::kParsed, ""},
        FastCase{"string_for_int_literal", R"({"system_response": "a", "level": "2"})",
                 FastRead::kParsed, ""},
        FastCase{"bool_is_string", R"({"system_response": "a", "done": "true"})",
                 FastRead::kParsed, ""},
        FastCase{"list_too_long", R"({"system_response": "a", "tags": ["x", "y", "z"]})",
                 FastRead::kParsed, ""},
        FastCase{"list_element_type", R"({"system_response": "a", "tags": ["x", 1]})",
                 FastRead::kParsed, ""},
        FastCase{"list_int_element_float", R"({"system_response": "a", "counts": [1, 2.5]})",
                 FastRead::kParsed, ""},
        FastCase{"list_element_range", R"({"system_response": "a", "weights": [0.5, 2]})",
                 FastRead::kParsed, ""},
        FastCase{"dict_too_many_keys", R"({"system_response": "a", "extra": {"p": 1, "q": 2}})",
                 FastRead::kParsed, ""},
        FastCase{"dict_repeated_key_counts_once",
                 R"({"system_response": "a", "extra": {"p": 1, "p": 2}})", FastRead::kDone,
                 R"({"extra":{"p":2},"system_response":"a","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        FastCase{"array", R"([{"system_response": "a"}])", FastRead::kParsed, ""},
        FastCase{"string", R"("{\"system_response\": \"a\"}")", FastRead::kParsed, ""},
        FastCase{"unicode_escape", R"({"system_response": "caf\u00e9"})", FastRead::kDeclined,
                 ""},
        FastCase{"utf8", "{\"system_response\": \"caf\xc3\xa9\"}", FastRead::kDeclined, ""},
        FastCase{"trailing_comma", R"({"system_response": "a",})", FastRead::kDeclined, ""},
        FastCase{"two_objects", R"({"system_response": "a"}{"system_response": "b"})",
                 FastRead::kDeclined, ""}));

TEST(FastReadStructured, LenientModeOnlyParses) {
  LlmOutputOptions options;
  options.mode = CoercionMode::kLenient;
  ParsedLlmOutput out;
  json value;
  EXPECT_EQ(
      FastReadStructured(R"({"system_response": "Hi."})", AllKindsSchema(), options, out, value),
      FastRead::kParsed);
  EXPECT_EQ(value.dump(), R"({"system_response":"Hi."})");
  EXPECT_EQ(out.reason, reason::kNotJson);
}

TEST(FastReadStructured, DepthLimitAsFastParseJson) {
  struct DepthCase {
    const char* raw;
    int max_depth;
    FastRead expected;
  };
  const DepthCase cases[] = {
      {R"({"system_response": "a"})", 1, FastRead::kParsed},  // the direct read needs 2
      {R"({"system_response": "a", "tags": []})", 1, FastRead::kDeclined},
      {R"({"system_response": "a", "tags": []})", 2, FastRead::kDone},
      {R"({"system_response": "a", "extra": {"k": {}}})", 3, FastRead::kDone},
      {R"({"system_response": "a", "extra": {"k": {}}})", 2, FastRead::kDeclined},
      {R"({"system_response": "a", "extra": {"k": [[1]]}})", 4, FastRead::kDone},
      {R"({"system_response": "a", "extra": {"k": [[1]]}})", 3, FastRead::kDeclined},
  };
  for (const DepthCase& c : cases) {
    LlmOutputOptions options;
    options.max_depth = c.max_depth;
    ParsedLlmOutput out;
    json value;
    EXPECT_EQ(FastReadStructured(c.raw, AllKindsSchema(), options, out, value), c.expected)
        << c.raw << " max_depth " << c.max_depth;
    EXPECT_EQ(FastParseJson(c.raw, c.max_depth).has_value(), c.expected != FastRead::kDeclined)
        << c.raw;
  }
}

// keep_object false: the whole parse leaves the object null on success only.
TEST(FastReadStructured, KeepObjectFalseLeavesOnlyFailuresTheirObject) {
  LlmOutputOptions options;
  options.keep_object = false;
  const ParsedLlmOutput ok =
      ParseLlmOutput(R"({"system_response": "Hi."})", AllKindsSchema(), options);
  EXPECT_TRUE(ok.structured());
  EXPECT_TRUE(ok.object.is_null());
  const ParsedLlmOutput bad =
      ParseLlmOutput(R"({"system_response": ""})", AllKindsSchema(), options);
  EXPECT_EQ(bad.reason, reason::kValidationFailed);
  EXPECT_EQ(bad.object.dump(), R"({"system_response":""})");
  // The general path (a unicode escape) also drops the object of a structured result.
  const ParsedLlmOutput slow =
      ParseLlmOutput(R"({"system_response": "\u0048i"})", AllKindsSchema(), options);
  EXPECT_TRUE(slow.structured());
  EXPECT_TRUE(slow.object.is_null());
  EXPECT_EQ(slow.room_payload,
            R"({"system_response":"Hi","tags":[],"voice_instructions":"calm"})");
}

}  // namespace
}  // namespace agentsim
