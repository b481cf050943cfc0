// DynamicSchema: compiling field definitions and schema_config (every error with its location).
#include "core/schema/dynamic_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"
#include "core/schema/field_type.h"
#include "tests/core/schema/dynamic_schema_test_util.h"

namespace agentsim {
namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using schema_test::CompileField;
using schema_test::ExpectValidation;
using schema_test::FieldErrors;
using schema_test::SplitLines;
using schema_test::Format;
using schema_test::ValueCase;

TEST(DynamicSchemaTest, CompilesFieldDetails) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(json::parse(R"({
    "schema_id": "interview_v1",
    "fields": [
      {"field_name": "credibility_score", "field_type": "int", "description": "How credible",
       "default": 50, "constraints": {"ge": 0, "le": 100},
       "metadata": {"hidden": true, "use_in_tts": true, "category": "output"}},
      {"field_name": "summary", "field_type": "str",
       "constraints": {"min_length": 10, "max_length": 500}}
    ]})"));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_EQ(schema->schema_id(), "interview_v1");
  ASSERT_EQ(schema->fields().size(), 2u);
  const SchemaField& score = schema->fields()[0];
  EXPECT_EQ(score.name, "credibility_score");
  EXPECT_EQ(score.kind, FieldKind::kInt);
  EXPECT_EQ(score.type_text, "int");
  EXPECT_EQ(score.description, "How credible");
  EXPECT_FALSE(score.required);
  EXPECT_EQ(score.default_value, json(50));
  EXPECT_EQ(score.constraints.ge, 0.0);
  EXPECT_EQ(score.constraints.le, 100.0);
  EXPECT_EQ(score.constraints.min_length, std::nullopt);
  EXPECT_TRUE(score.metadata.hidden);
  EXPECT_TRUE(score.metadata.use_in_tts);
  EXPECT_EQ(score.metadata.category, "output");
  const SchemaField& summary = schema->fields()[1];
  EXPECT_TRUE(summary.required);
  EXPECT_EQ(summary.default_value, std::nullopt);
  EXPECT_EQ(summary.constraints.min_length, 10);
  EXPECT_EQ(summary.constraints.max_length, 500);
  EXPECT_FALSE(summary.metadata.hidden);
  EXPECT_EQ(schema->Find("summary"), &summary);
  EXPECT_EQ(schema->Find("nope"), nullptr);
}

TEST(DynamicSchemaTest, CompilesEmptyFieldList) {
  Result<DynamicSchema> schema =
      DynamicSchema::Compile(json{{"schema_id", "e"}, {"fields", json::array()}});
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_THAT(schema->fields(), IsEmpty());
  EXPECT_THAT(
      Format(schema->Validate(json::parse(R"({"a": 1})"))),
      ElementsAre(R"(a|unknown_field|expected only fields of schema "e", got unknown field "a")"));
}

TEST(DynamicSchemaTest, RejectsBadFieldDefinitions) {
  const std::string kName = "expected an identifier ([A-Za-z_][A-Za-z0-9_]*), got ";
  struct Case {
    std::string fields;  // line 2 of t.json
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"5", {"t.json:2:1: /fields/0: expected a field object, got number 5"}},
      {R"({"field_type": "str"})",
       {"t.json:2:1: /fields/0/field_name: " + kName + "nothing (required key missing)"}},
      {R"({"field_name": "1x", "field_type": "str"})",
       {"t.json:2:16: /fields/0/field_name: " + kName + R"(string "1x")"}},
      {R"({"field_name": "a-b", "field_type": "str"})",
       {"t.json:2:16: /fields/0/field_name: " + kName + R"(string "a-b")"}},
      {R"({"field_name": "", "field_type": "str"})",
       {"t.json:2:16: /fields/0/field_name: " + kName + R"(string "")"}},
      {R"({"field_name": 7, "field_type": "str"})",
       {"t.json:2:16: /fields/0/field_name: " + kName + "number 7"}},
      {R"({"field_name": "x"})",
       {"t.json:2:1: /fields/0/field_type: expected one of str, int, float, bool, list[str], "
        "list[int], list[float], dict or Literal[...], got nothing (required key missing)"}},
      {R"({"field_name": "x", "field_type": 5})",
       {"t.json:2:35: /fields/0/field_type: expected one of str, int, float, bool, list[str], "
        "list[int], list[float], dict or Literal[...], got number 5"}},
      {R"({"field_name": "x", "field_type": "str", "description": 5})",
       {"t.json:2:57: /fields/0/description: expected a string, got number 5"}},
      {R"({"field_name": "x", "field_type": "str", "required": "yes"})",
       {R"(t.json:2:54: /fields/0/required: expected a boolean, got string "yes")"}},
      {R"({"field_name": "x", "field_type": "str", "constraints": [1]})",
       {"t.json:2:57: /fields/0/constraints: expected an object with keys among ge, le, "
        "min_length, max_length, got an array"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"gt": 1}})",
       {R"(t.json:2:64: /fields/0/constraints/gt: unknown constraint "gt" (did you mean "ge"?))"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"greater": 1}})",
       {R"(t.json:2:69: /fields/0/constraints/greater: unknown constraint "greater"; expected )"
        "one of ge, le, min_length, max_length"}},
      {R"({"field_name": "x", "field_type": "str", "constraints": {"ge": 1}})",
       {"t.json:2:64: /fields/0/constraints/ge: expected ge only on fields of type int, float, "
        "list[int] or list[float], got field_type str"}},
      {R"({"field_name": "x", "field_type": "bool", "constraints": {"le": 1}})",
       {"t.json:2:65: /fields/0/constraints/le: expected le only on fields of type int, float, "
        "list[int] or list[float], got field_type bool"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"min_length": 1}})",
       {"t.json:2:72: /fields/0/constraints/min_length: expected min_length only on fields of "
        "type str, list[str], list[int], list[float] or dict, got field_type int"}},
      {R"({"field_name": "x", "field_type": "Literal['a']", "constraints": {"max_length": 1}})",
       {"t.json:2:81: /fields/0/constraints/max_length: expected max_length only on fields of "
        "type str, list[str], list[int], list[float] or dict, got field_type Literal"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"ge": "0"}})",
       {R"(t.json:2:64: /fields/0/constraints/ge: expected a number, got string "0")"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"le": true}})",
       {"t.json:2:64: /fields/0/constraints/le: expected a number, got true"}},
      {R"({"field_name": "x", "field_type": "str", "constraints": {"min_length": -1}})",
       {"t.json:2:72: /fields/0/constraints/min_length: expected an integer from 0 to 100000, got "
        "number -1"}},
      {R"({"field_name": "x", "field_type": "str", "constraints": {"max_length": 1.5}})",
       {"t.json:2:72: /fields/0/constraints/max_length: expected an integer from 0 to 100000, got "
        "number 1.5"}},
      {R"({"field_name": "x", "field_type": "int", "constraints": {"ge": 10, "le": 5}})",
       {"t.json:2:57: /fields/0/constraints: expected ge <= le, got ge 10 and le 5"}},
      {R"({"field_name": "x", "field_type": "str", )"
       R"("constraints": {"min_length": 3, "max_length": 2}})",
       {"t.json:2:57: /fields/0/constraints: expected min_length <= max_length, got min_length 3 "
        "and max_length 2"}},
      {R"({"field_name": "x", "field_type": "str", "metadata": true})",
       {"t.json:2:54: /fields/0/metadata: expected an object, got true"}},
      {R"({"field_name": "x", "field_type": "str", )"
       R"("metadata": {"hidden": "no", "use_in_tts": 1, "category": 5}})",
       {R"(t.json:2:65: /fields/0/metadata/hidden: expected a boolean, got string "no")",
        "t.json:2:85: /fields/0/metadata/use_in_tts: expected a boolean, got number 1",
        "t.json:2:100: /fields/0/metadata/category: expected a string, got number 5"}},
      {R"({"field_name": "x", "field_type": "int", "default": "zero"})",
       {R"(t.json:2:53: /fields/0/default: invalid default: expected int, got string "zero")"}},
      {R"({"field_name": "x", "field_type": "int", "default": -1, "constraints": {"ge": 0}})",
       {"t.json:2:53: /fields/0/default: invalid default: expected a value >= 0, got number -1"}},
      {R"({"field_name": "x", "field_type": "Literal['a']", "default": "b"})",
       {R"(t.json:2:62: /fields/0/default: invalid default: expected one of "a", got string "b")"}},
      {R"({"field_name": "x", "field_type": "str", "default": null})",
       {"t.json:2:53: /fields/0/default: invalid default: expected str, got null"}},
      {R"({"field_name": "x", "field_type": "str", "type": "int", "hidden": true})",
       {R"(t.json:2:67: /fields/0/hidden: unknown key "hidden"; expected one of field_name, )"
        "field_type, description, required, default, constraints, metadata",
        R"(t.json:2:50: /fields/0/type: unknown key "type"; expected one of field_name, )"
        "field_type, description, required, default, constraints, metadata"}},
      {R"({"field_name": "x", "field_type": "str"}, {"field_name": "x", "field_type": "int"})",
       {R"(t.json:2:58: /fields/1/field_name: expected a unique field_name, got string "x" )"
        "again (first used at /fields/0)"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fields);
    EXPECT_EQ(FieldErrors(c.fields), c.expected);
  }
}

TEST(DynamicSchemaTest, RefusesLengthsAboveTheMaximum) {
  EXPECT_EQ(kMaxLengthConstraint, 100'000);
  EXPECT_EQ(
      FieldErrors(
          R"({"field_name": "x", "field_type": "str", "constraints": {"min_length": 2000000000}})"),
      (std::vector<std::string>{"t.json:2:72: /fields/0/constraints/min_length: expected an "
                                "integer from 0 to 100000, got number 2000000000"}));
  EXPECT_EQ(
      FieldErrors(
          R"({"field_name": "x", "field_type": "dict", "constraints": {"max_length": 100000000000}})"),
      (std::vector<std::string>{"t.json:2:73: /fields/0/constraints/max_length: expected an "
                                "integer from 0 to 100000, got number 100000000000"}));
  EXPECT_EQ(
      FieldErrors(
          R"({"field_name": "x", "field_type": "list[int]", "constraints": {"max_length": 100001}})"),
      (std::vector<std::string>{"t.json:2:78: /fields/0/constraints/max_length: expected an "
                                "integer from 0 to 100000, got number 100001"}));
  EXPECT_THAT(FieldErrors(R"({"field_name": "x", "field_type": "str", )"
                          R"("constraints": {"min_length": 100000, "max_length": 100000}})"),
              IsEmpty());
}

TEST(DynamicSchemaTest, RefusesIntegerRangesThatHoldNoInteger) {
  EXPECT_EQ(
      FieldErrors(
          R"({"field_name": "x", "field_type": "int", "constraints": {"ge": 0.5, "le": 0.6}})"),
      (std::vector<std::string>{
          "t.json:2:57: /fields/0/constraints: no integer between ge 0.5 and le 0.6"}));
  EXPECT_EQ(FieldErrors(R"({"field_name": "x", "field_type": "list[int]", )"
                        R"("constraints": {"ge": -0.9, "le": -0.1}})"),
            (std::vector<std::string>{
                "t.json:2:63: /fields/0/constraints: no integer between ge -0.9 and le -0.1"}));
  // The same bounds suit a float field, and an int range with one integer in it.
  EXPECT_THAT(FieldErrors(R"({"field_name": "x", "field_type": "float", )"
                          R"("constraints": {"ge": 0.5, "le": 0.6}})"),
              IsEmpty());
  EXPECT_THAT(FieldErrors(R"({"field_name": "x", "field_type": "int", )"
                          R"("constraints": {"ge": 0.5, "le": 1.5}})"),
              IsEmpty());
}

// Integer bounds are held as doubles: exact comparisons need |bound| <= 2^53 - 1. Beyond, a
// bound such as le 9223372036854775806 rounded to 2^63 and let 2^63 - 1 through.
TEST(DynamicSchemaTest, RefusesIntegerBoundsBeyondTheExactRange) {
  struct Case {
    std::string field_type;
    std::string constraints;
    std::string error;  // "" when accepted
  };
  const std::string range = " from -9007199254740991 to 9007199254740991 (2^53 - 1: the bounds an "
                            "integer compares with exactly) on an integer field, got number ";
  const std::string fractional =
      " written with a fraction or an exponent to lie strictly between -4503599627370496 and "
      "4503599627370496 on an integer field (2^52: beyond, a double has no fractional part; "
      "write an integer, up to 9007199254740991), got number ";
  const std::vector<Case> cases = {
      {"int", R"({"ge": 1e300})", "/fields/0/constraints/ge: expected ge" + range + "1e+300"},
      {"list[int]", R"({"le": -1e300})",
       "/fields/0/constraints/le: expected le" + range + "-1e+300"},
      {"int", R"({"le": 9223372036854775808})",
       "/fields/0/constraints/le: expected le" + range + "9223372036854775808"},
      {"int", R"({"le": 9223372036854775806})",
       "/fields/0/constraints/le: expected le" + range + "9223372036854775806"},
      {"int", R"({"ge": -9223372036854775808})",
       "/fields/0/constraints/ge: expected ge" + range + "-9223372036854775808"},
      {"int", R"({"le": 9007199254740992})",
       "/fields/0/constraints/le: expected le" + range + "9007199254740992"},
      {"int", R"({"ge": -9007199254740991, "le": 9007199254740991})", ""},
      // Written with a fraction or an exponent: strictly within ±2^52 (tester's case: .5 and .7
      // near 2^53 both read as 9007199254740990, an integer "between" them).
      {"int", R"({"ge": 9007199254740990.5})",
       "/fields/0/constraints/ge: expected ge" + fractional + "9.00719925474099e+15"},
      {"int", R"({"ge": -9007199254740992.0})",
       "/fields/0/constraints/ge: expected ge" + range + "-9.007199254740992e+15"},
      {"list[int]", R"({"le": 4.503599627370496e15})",
       "/fields/0/constraints/le: expected le" + fractional + "4.503599627370496e+15"},
      {"list[int]", R"({"ge": -4503599627370495.5, "le": 0.5})", ""},
      {"int", R"({"ge": 4503599627370496, "le": 4503599627370497})", ""},
      {"float", R"({"ge": 1e300, "le": 1.7e308})", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field_type + " " + c.constraints);
    const std::vector<std::string> errors =
        FieldErrors(R"({"field_name": "x", "field_type": ")" + c.field_type +
                    R"(", "constraints": )" + c.constraints + "}");
    if (c.error.empty()) {
      EXPECT_THAT(errors, IsEmpty());
    } else {
      ASSERT_EQ(errors.size(), 1u);
      EXPECT_THAT(errors[0], testing::EndsWith(c.error));
    }
  }
}

TEST(DynamicSchemaTest, RefusesUnknownMetadataKeysWithASuggestion) {
  EXPECT_EQ(FieldErrors(R"({"field_name": "x", "field_type": "str", "metadata": {"hiden": true}})"),
            (std::vector<std::string>{R"(t.json:2:64: /fields/0/metadata/hiden: unknown key )"
                                      R"("hiden" (did you mean "hidden"?))"}));
  EXPECT_EQ(
      FieldErrors(R"({"field_name": "x", "field_type": "str", "metadata": {"colour": "red"}})"),
      (std::vector<std::string>{R"(t.json:2:65: /fields/0/metadata/colour: unknown key )"
                                R"("colour"; expected one of hidden, use_in_tts, category)"}));
}

TEST(DynamicSchemaTest, RejectsBadSchemaConfig) {
  struct Case {
    std::string text;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"[]",
       {"s.json:1:1: (root): expected an object with keys schema_id and fields, got an "
        "empty array"}},
      {R"({"fields": []})",
       {"s.json:1:1: /schema_id: expected a non-empty string, got nothing (required key "
        "missing)"}},
      {R"({"schema_id": "", "fields": []})",
       {R"(s.json:1:15: /schema_id: expected a non-empty string, got string "")"}},
      {R"({"schema_id": "s"})",
       {"s.json:1:1: /fields: expected an array of field objects, got nothing (required key "
        "missing)"}},
      {R"({"schema_id": "s", "fields": {}})",
       {"s.json:1:30: /fields: expected an array of field objects, got an object"}},
      {R"({"schema_id": "s", "fields": [], "version": 2, "a/b": 1})",
       {R"(s.json:1:55: /a~1b: unknown key "a/b"; expected one of schema_id, fields, coercion)",
        R"(s.json:1:45: /version: unknown key "version"; expected one of schema_id, fields, )"
        R"(coercion)"}},
      {R"({"schema_id": "s", "fields": [], "coercion": "loose"})",
       {R"(s.json:1:46: /coercion: expected "strict" or "lenient", got string "loose")"}},
      {R"({"schema_id": "s", "fields": [], "coercion": true})",
       {R"(s.json:1:46: /coercion: expected "strict" or "lenient", got true)"}},
      {R"({"schema_id": "s", "fields": [], "coersion": "lenient"})",
       {R"(s.json:1:46: /coersion: unknown key "coersion" (did you mean "coercion"?))"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<JsonDocument> doc = JsonDocument::Parse("s.json", c.text);
    ASSERT_TRUE(doc.has_value()) << doc.error().message;
    Result<DynamicSchema> schema = DynamicSchema::Compile(*doc, "");
    ASSERT_FALSE(schema.has_value());
    EXPECT_EQ(schema.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(SplitLines(schema.error().message), c.expected);
  }
}

TEST(DynamicSchemaTest, ReportsEveryCompileErrorWithLocation) {
  Result<JsonDocument> doc = JsonDocument::Parse("agents/interview.json", R"({
  "agent_id": "interview",
  "schema_config": {
    "schema_id": "interview_v1",
    "fields": [
      {"field_name": "system_response", "field_type": "str"},
      {"field_name": "Bad Name", "field_type": "string"},
      // the score
      {"field_name": "score", "field_type": "int",
       "constraints": {"ge": 0, "le": 100, "max": 3},
       "default": 101},
      {"field_name": "system_response", "field_type": "Literal['a', 'a']",
       "colour": "red"}
    ]
  }
})");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  Result<DynamicSchema> schema = DynamicSchema::Compile(*doc, "/schema_config");
  ASSERT_FALSE(schema.has_value());
  EXPECT_EQ(schema.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(
      SplitLines(schema.error().message),
      ElementsAre(
          "agents/interview.json:7:22: /schema_config/fields/1/field_name: expected an "
          R"(identifier ([A-Za-z_][A-Za-z0-9_]*), got string "Bad Name")",
          "agents/interview.json:7:48: /schema_config/fields/1/field_type: expected one of str, "
          "int, float, bool, list[str], list[int], list[float], dict or Literal[...], got string "
          R"("string")",
          "agents/interview.json:10:51: /schema_config/fields/2/constraints/max: unknown "
          R"(constraint "max"; expected one of ge, le, min_length, max_length)",
          "agents/interview.json:11:19: /schema_config/fields/2/default: invalid default: "
          "expected a value <= 100, got number 101",
          "agents/interview.json:12:22: /schema_config/fields/3/field_name: expected a unique "
          R"(field_name, got string "system_response" again )"
          "(first used at /schema_config/fields/0)",
          "agents/interview.json:12:55: /schema_config/fields/3/field_type: expected Literal[...] "
          "of one or more quoted strings or integers, got string "
          R"("Literal['a', 'a']" (duplicate value "a"))",
          R"(agents/interview.json:13:18: /schema_config/fields/3/colour: unknown key "colour"; )"
          "expected one of field_name, field_type, description, required, default, constraints, "
          "metadata"));
}

TEST(DynamicSchemaTest, CompilesFromDocumentAtPointer) {
  Result<JsonDocument> doc = JsonDocument::Parse("a.json", R"({"schema_config": {
    "schema_id": "s", "fields": [{"field_name": "x", "field_type": "bool"}]}})");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  Result<DynamicSchema> schema = DynamicSchema::Compile(*doc, "/schema_config");
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_EQ(schema->schema_id(), "s");
  EXPECT_EQ(schema->fields()[0].kind, FieldKind::kBool);

  Result<DynamicSchema> missing = DynamicSchema::Compile(*doc, "/other");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            "a.json:1:1: /other: expected an object with keys schema_id and fields, got nothing "
            "(required key missing)");
}

TEST(DynamicSchemaTest, BareJsonErrorsNameTheSource) {
  Result<DynamicSchema> schema =
      DynamicSchema::Compile(json{{"schema_id", 5}, {"fields", json::array()}}, "inline");
  ASSERT_FALSE(schema.has_value());
  // Serialised with two-space indentation and sorted keys: "fields" is line 2, "schema_id" 3.
  EXPECT_EQ(schema.error().message,
            "inline:3:16: /schema_id: expected a non-empty string, got number 5");
}

TEST(DynamicSchemaTest, CompilesCoercionMode) {
  struct Case {
    std::string extra;
    CoercionMode expected;
  };
  const std::vector<Case> cases = {{"", CoercionMode::kStrict},
                                   {R"(, "coercion": "strict")", CoercionMode::kStrict},
                                   {R"(, "coercion": "lenient")", CoercionMode::kLenient}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.extra);
    Result<DynamicSchema> schema =
        DynamicSchema::Compile(json::parse(R"({"schema_id": "s", "fields": [])" + c.extra + "}"));
    ASSERT_TRUE(schema.has_value()) << schema.error().message;
    EXPECT_EQ(schema->coercion(), c.expected);
  }
  EXPECT_EQ(DynamicSchema().coercion(), CoercionMode::kStrict);
  EXPECT_EQ(CoercionModeName(CoercionMode::kStrict), "strict");
  EXPECT_EQ(CoercionModeName(CoercionMode::kLenient), "lenient");
}

TEST(DynamicSchemaTest, WithDefaultsFillsAbsentFieldsInFieldOrder) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(json::parse(R"({
    "schema_id": "s",
    "fields": [
      {"field_name": "text", "field_type": "str"},
      {"field_name": "tags", "field_type": "list[str]", "default": []},
      {"field_name": "mood", "field_type": "Literal['up', 'down']", "default": "up"},
      {"field_name": "extra", "field_type": "dict", "required": false},
      {"field_name": "score", "field_type": "float", "default": 0.5},
      {"field_name": "level", "field_type": "int", "default": 3, "required": true}
    ]})"));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  struct Case {
    std::string value;
    std::string expected;
    std::vector<std::string> filled;
  };
  const std::vector<Case> cases = {
      {R"({"text": "hi"})", R"({"text": "hi", "tags": [], "mood": "up", "score": 0.5})",
       {"tags", "mood", "score"}},
      {R"({"text": "hi", "mood": "down", "tags": ["a"], "score": 1})",
       R"({"text": "hi", "mood": "down", "tags": ["a"], "score": 1})",
       {}},
      {R"({"mood": null})", R"({"mood": null, "tags": [], "score": 0.5})", {"tags", "score"}},
      {"[1]", "[1]", {}},
      {"\"x\"", "\"x\"", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    std::vector<std::string> filled;
    EXPECT_EQ(schema->WithDefaults(json::parse(c.value), &filled), json::parse(c.expected));
    EXPECT_EQ(filled, c.filled);
  }
  EXPECT_EQ(schema->WithDefaults(json::parse(R"({"text": "a"})")),
            json::parse(R"({"text": "a", "tags": [], "mood": "up", "score": 0.5})"));
}

TEST(DynamicSchemaTest, NamesFieldKinds) {
  EXPECT_EQ(FieldKindName(FieldKind::kStr), "str");
  EXPECT_EQ(FieldKindName(FieldKind::kInt), "int");
  EXPECT_EQ(FieldKindName(FieldKind::kFloat), "float");
  EXPECT_EQ(FieldKindName(FieldKind::kBool), "bool");
  EXPECT_EQ(FieldKindName(FieldKind::kListStr), "list[str]");
  EXPECT_EQ(FieldKindName(FieldKind::kListInt), "list[int]");
  EXPECT_EQ(FieldKindName(FieldKind::kListFloat), "list[float]");
  EXPECT_EQ(FieldKindName(FieldKind::kDict), "dict");
  EXPECT_EQ(FieldKindName(FieldKind::kLiteral), "Literal");
}

}  // namespace
}  // namespace agentsim
