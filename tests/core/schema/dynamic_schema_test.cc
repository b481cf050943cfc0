// DynamicSchema: validating values (types, literals, constraints, required fields, payloads).
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

TEST(DynamicSchemaTest, ChecksStrType) {
  ExpectValidation(R"({"field_name": "x", "field_type": "str"})",
                   {{R"("hello")", {}},
                    {R"("")", {}},
                    {"5", {"x|wrong_type|expected str, got number 5"}},
                    {"true", {"x|wrong_type|expected str, got true"}},
                    {"null", {"x|wrong_type|expected str, got null"}},
                    {R"(["a"])", {"x|wrong_type|expected str, got an array"}}});
}

TEST(DynamicSchemaTest, ChecksIntTypeStrictly) {
  ExpectValidation(R"({"field_name": "x", "field_type": "int"})",
                   {{"5", {}},
                    {"-3", {}},
                    {"18446744073709551615", {}},
                    {"5.0", {"x|wrong_type|expected int, got number 5.0"}},
                    {"5.5", {"x|wrong_type|expected int, got number 5.5"}},
                    {"true", {"x|wrong_type|expected int, got true"}},
                    {R"("5")", {R"(x|wrong_type|expected int, got string "5")"}},
                    {"null", {"x|wrong_type|expected int, got null"}}});
}

TEST(DynamicSchemaTest, ChecksFloatType) {
  ExpectValidation(R"({"field_name": "x", "field_type": "float"})",
                   {{"1.5", {}},
                    {"2", {}},
                    {"-0.25", {}},
                    {"false", {"x|wrong_type|expected float, got false"}},
                    {R"("1.5")", {R"(x|wrong_type|expected float, got string "1.5")"}},
                    {"null", {"x|wrong_type|expected float, got null"}}});
}

TEST(DynamicSchemaTest, ChecksBoolType) {
  ExpectValidation(R"({"field_name": "x", "field_type": "bool"})",
                   {{"true", {}},
                    {"false", {}},
                    {"0", {"x|wrong_type|expected bool, got number 0"}},
                    {R"("true")", {R"(x|wrong_type|expected bool, got string "true")"}}});
}

TEST(DynamicSchemaTest, ChecksListStrElements) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[str]"})",
      {{"[]", {}},
       {R"(["a", "b"])", {}},
       {R"(["a", 1, 2])", {"x|wrong_type|expected list[str], got number 1 at index 1"}},
       {R"("a")", {R"(x|wrong_type|expected list[str], got string "a")"}},
       {"{}", {"x|wrong_type|expected list[str], got an object"}}});
}

TEST(DynamicSchemaTest, ChecksListIntElements) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[int]"})",
      {{"[1, -2, 3]", {}},
       {R"([1, 2.5, "x"])", {"x|wrong_type|expected list[int], got number 2.5 at index 1"}},
       {"[true]", {"x|wrong_type|expected list[int], got true at index 0"}},
       {"[1, null]", {"x|wrong_type|expected list[int], got null at index 1"}}});
}

TEST(DynamicSchemaTest, ChecksListFloatElements) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[float]"})",
      {{"[1, 2.5]", {}},
       {R"([1.5, "2"])", {R"(x|wrong_type|expected list[float], got string "2" at index 1)"}},
       {"1.5", {"x|wrong_type|expected list[float], got number 1.5"}}});
}

TEST(DynamicSchemaTest, ChecksDictType) {
  ExpectValidation(R"({"field_name": "x", "field_type": "dict"})",
                   {{"{}", {}},
                    {R"({"a": [1]})", {}},
                    {"[]", {"x|wrong_type|expected dict, got an empty array"}},
                    {"null", {"x|wrong_type|expected dict, got null"}}});
}

TEST(DynamicSchemaTest, ChecksStringLiteral) {
  constexpr std::string_view kExpected =
      R"(expected one of "positive", "neutral", "negative", got )";
  ExpectValidation(
      R"({"field_name": "x", "field_type": "Literal['positive', 'neutral', 'negative']"})",
      {{R"("neutral")", {}},
       {R"("Neutral")", {"x|not_in_literal|" + std::string(kExpected) + R"(string "Neutral")"}},
       {"5", {"x|not_in_literal|" + std::string(kExpected) + "number 5"}},
       {"null", {"x|wrong_type|" + std::string(kExpected) + "null"}}});
}

TEST(DynamicSchemaTest, ChecksIntLiteral) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "Literal[1, 2, -3]"})",
      {{"1", {}},
       {"-3", {}},
       {"1.0", {"x|not_in_literal|expected one of 1, 2, -3, got number 1.0"}},
       {R"("1")", {R"(x|not_in_literal|expected one of 1, 2, -3, got string "1")"}},
       {"4", {"x|not_in_literal|expected one of 1, 2, -3, got number 4"}},
       // 2^64 - 3 must not wrap around to -3.
       {"18446744073709551613",
        {"x|not_in_literal|expected one of 1, 2, -3, got number 18446744073709551613"}}});
}

TEST(DynamicSchemaTest, ChecksMixedLiteral) {
  ExpectValidation(R"({"field_name": "x", "field_type": "Literal[\"a\", 1]"})",
                   {{R"("a")", {}},
                    {"1", {}},
                    {R"("1")", {R"(x|not_in_literal|expected one of "a", 1, got string "1")"}}});
}

TEST(DynamicSchemaTest, ParsesFieldTypes) {
  struct Case {
    std::string type;
    FieldKind kind;
    std::string literals;  // JSON array of the literal values
  };
  const std::vector<Case> cases = {
      {"str", FieldKind::kStr, "[]"},
      {"int", FieldKind::kInt, "[]"},
      {"float", FieldKind::kFloat, "[]"},
      {"bool", FieldKind::kBool, "[]"},
      {"list[str]", FieldKind::kListStr, "[]"},
      {"list[ int ]", FieldKind::kListInt, "[]"},
      {"list[float]", FieldKind::kListFloat, "[]"},
      {"dict", FieldKind::kDict, "[]"},
      {"Literal['positive', 'neutral', 'negative']", FieldKind::kLiteral,
       R"(["positive","neutral","negative"])"},
      {R"(Literal["a", 'b'])", FieldKind::kLiteral, R"(["a","b"])"},
      {"Literal[  'a'  ,'b'  ]", FieldKind::kLiteral, R"(["a","b"])"},
      {"Literal[1, -2, 0]", FieldKind::kLiteral, "[1,-2,0]"},
      {"Literal['1', 1]", FieldKind::kLiteral, R"(["1",1])"},
      {R"(Literal['it\'s', "say \"hi\""])", FieldKind::kLiteral, R"(["it's","say \"hi\""])"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    Result<DynamicSchema> schema = DynamicSchema::Compile(
        json{{"schema_id", "t"}, {"fields", {{{"field_name", "x"}, {"field_type", c.type}}}}});
    ASSERT_TRUE(schema.has_value()) << schema.error().message;
    const SchemaField& field = schema->fields()[0];
    EXPECT_EQ(field.kind, c.kind);
    EXPECT_EQ(field.type_text, c.type);
    EXPECT_EQ(json(field.literal_values).dump(), c.literals);
  }
}

TEST(DynamicSchemaTest, RejectsMalformedFieldTypes) {
  const std::string kPrefix = "t.json:2:35: /fields/0/field_type: ";
  const std::string kLiteral =
      kPrefix + "expected Literal[...] of one or more quoted strings or integers, got string ";
  const std::string kAny =
      kPrefix +
      "expected one of str, int, float, bool, list[str], list[int], list[float], dict or "
      "Literal[...], got ";
  struct Case {
    std::string type;  // as written inside the JSON string
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"Literal[]", kLiteral + R"("Literal[]" (no values))"},
      {"Literal[ ]", kLiteral + R"("Literal[ ]" (no values))"},
      {"Literal['a'", kLiteral + R"("Literal['a'" (missing closing ']'))"},
      {"Literal['a',", kLiteral + R"("Literal['a'," (missing closing ']'))"},
      {"Literal[a]",
       kLiteral + R"("Literal[a]" (expected a quoted string or an integer at offset 8))"},
      {"Literal['a', ]",
       kLiteral + R"("Literal['a', ]" (expected a quoted string or an integer at offset 13))"},
      {"Literal['a' 'b']", kLiteral + R"("Literal['a' 'b']" (expected ',' or ']' at offset 12))"},
      {"Literal['a]", kLiteral + R"("Literal['a]" (unterminated string at offset 8))"},
      {"Literal['a', 'a']", kLiteral + R"("Literal['a', 'a']" (duplicate value "a"))"},
      {R"(Literal['a', \"a\"])", kLiteral + R"("Literal['a', \"a\"]" (duplicate value "a"))"},
      {"Literal[1, 1]", kLiteral + R"("Literal[1, 1]" (duplicate value 1))"},
      {"Literal[1.5]", kLiteral + R"("Literal[1.5]" (expected ',' or ']' at offset 9))"},
      {"Literal['a']x", kLiteral + R"("Literal['a']x" (unexpected text after ']' at offset 12))"},
      {"Literal[-]",
       kLiteral + R"("Literal[-]" (expected a quoted string or an integer at offset 8))"},
      {"Literal[99999999999999999999]",
       kLiteral + R"("Literal[99999999999999999999]" (integer out of range at offset 8))"},
      {"Literal[True]",
       kLiteral + R"("Literal[True]" (expected a quoted string or an integer at offset 8))"},
      {"list[dict]",
       kPrefix + R"(expected list[str], list[int] or list[float], got string "list[dict]")"},
      {"list[]", kPrefix + R"(expected list[str], list[int] or list[float], got string "list[]")"},
      {"literal['a']", kAny + R"(string "literal['a']")"},
      {"List[str]", kAny + R"(string "List[str]")"},
      {"string", kAny + R"(string "string")"},
      {" int", kAny + R"(string " int")"},
      {"", kAny + R"(string "")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    EXPECT_THAT(FieldErrors(R"({"field_name": "x", "field_type": ")" + c.type + R"("})"),
                ElementsAre(c.expected));
  }
}

TEST(DynamicSchemaTest, RejectsIntBelowGeAndAboveLe) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "int", "constraints": {"ge": 0, "le": 100}})",
      {{"-1", {"x|less_than_ge|expected a value >= 0, got number -1"}},
       {"0", {}},
       {"100", {}},
       {"101", {"x|greater_than_le|expected a value <= 100, got number 101"}},
       {R"("x")", {R"(x|wrong_type|expected int, got string "x")"}}});
}

TEST(DynamicSchemaTest, RejectsFloatOutsideGeLe) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "float", "constraints": {"ge": 0.5, "le": 1.5}})",
      {{"0.49", {"x|less_than_ge|expected a value >= 0.5, got number 0.49"}},
       {"0.5", {}},
       {"1", {}},
       {"1.5", {}},
       {"1.51", {"x|greater_than_le|expected a value <= 1.5, got number 1.51"}}});
}

TEST(DynamicSchemaTest, AppliesGeLeToEveryListElement) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[int]", "constraints": {"ge": 0, "le": 10}})",
      {{"[]", {}},
       {"[0, 10]", {}},
       {"[1, -1, -2]", {"x|less_than_ge|expected every element >= 0, got number -1 at index 1"}},
       {"[11, 5, -1]",
        {"x|less_than_ge|expected every element >= 0, got number -1 at index 2",
         "x|greater_than_le|expected every element <= 10, got number 11 at index 0"}}});
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[float]", "constraints": {"ge": -1, "le": 1}})",
      {{"[-1, 0.5, 1]", {}},
       {"[-1.5]", {"x|less_than_ge|expected every element >= -1, got number -1.5 at index 0"}},
       {"[0, 1.25]",
        {"x|greater_than_le|expected every element <= 1, got number 1.25 at index 1"}}});
}

TEST(DynamicSchemaTest, CountsStrLengthInCodePoints) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "str",
          "constraints": {"min_length": 2, "max_length": 4}})",
      {{R"("a")", {"x|too_short|expected at least 2 characters, got 1"}},
       {R"("ab")", {}},
       {R"("abcd")", {}},
       {R"("abcde")", {"x|too_long|expected at most 4 characters, got 5"}},
       {R"("é")", {"x|too_short|expected at least 2 characters, got 1"}},
       {R"("héé")", {}},       // 3 code points, 5 bytes
       {R"("日本語日")", {}},  // 4 code points, 12 bytes
       {R"("日本語日本")", {"x|too_long|expected at most 4 characters, got 5"}}});
  ExpectValidation(
      R"({"field_name": "x", "field_type": "str",
          "constraints": {"min_length": 1, "max_length": 1}})",
      {{R"("")", {"x|too_short|expected at least 1 character, got 0"}},
       {R"("😀")", {}},
       {R"("ab")", {"x|too_long|expected at most 1 character, got 2"}}});
}

TEST(DynamicSchemaTest, ChecksListAndDictLength) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "list[str]",
          "constraints": {"min_length": 1, "max_length": 2}})",
      {{"[]", {"x|too_short|expected at least 1 element, got 0"}},
       {R"(["a"])", {}},
       {R"(["a", "b"])", {}},
       {R"(["a", "b", "c"])", {"x|too_long|expected at most 2 elements, got 3"}}});
  ExpectValidation(
      R"({"field_name": "x", "field_type": "dict",
          "constraints": {"min_length": 1, "max_length": 1}})",
      {{"{}", {"x|too_short|expected at least 1 key, got 0"}},
       {R"({"a": 1})", {}},
       {R"({"a": 1, "b": 2})", {"x|too_long|expected at most 1 key, got 2"}}});
}

TEST(DynamicSchemaTest, ReportsMissingRequiredField) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "str"})",
      {{"", {"x|missing_required|expected str, got nothing (required field missing)"}}});
  ExpectValidation(
      R"({"field_name": "x", "field_type": "Literal['a']", "required": true})",
      {{"", {R"(x|missing_required|expected one of "a", got nothing (required field missing))"}}});
}

TEST(DynamicSchemaTest, AcceptsMissingOptionalField) {
  ExpectValidation(R"({"field_name": "x", "field_type": "str", "required": false})",
                   {{"", {}}, {R"("a")", {}}, {"null", {"x|wrong_type|expected str, got null"}}});
}

TEST(DynamicSchemaTest, DefaultMakesFieldOptional) {
  Result<DynamicSchema> schema =
      CompileField(R"({"field_name": "x", "field_type": "int", "default": 0})");
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_FALSE(schema->fields()[0].required);
  ASSERT_TRUE(schema->fields()[0].default_value.has_value());
  EXPECT_EQ(*schema->fields()[0].default_value, json(0));
  EXPECT_THAT(schema->Validate(json::object()), IsEmpty());
}

TEST(DynamicSchemaTest, ExplicitRequiredWinsOverDefault) {
  ExpectValidation(
      R"({"field_name": "x", "field_type": "int", "default": 0, "required": true})",
      {{"", {"x|missing_required|expected int, got nothing (required field missing)"}}, {"3", {}}});
}

TEST(DynamicSchemaTest, ReportsUnknownFieldsInKeyOrder) {
  Result<DynamicSchema> schema = CompileField(R"({"field_name": "x", "field_type": "str"})");
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_THAT(
      Format(schema->Validate(json::parse(R"({"zeta": 1, "x": "a", "alpha": 2})"))),
      ElementsAre(
          R"(alpha|unknown_field|expected only fields of schema "t", got unknown field "alpha")",
          R"(zeta|unknown_field|expected only fields of schema "t", got unknown field "zeta")"));
}

TEST(DynamicSchemaTest, RejectsNonObjects) {
  Result<DynamicSchema> schema = CompileField(R"({"field_name": "x", "field_type": "str"})");
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_THAT(Format(schema->Validate(json::array())),
              ElementsAre("|not_an_object|expected a JSON object, got an empty array"));
  EXPECT_THAT(Format(schema->Validate(json("x"))),
              ElementsAre(R"(|not_an_object|expected a JSON object, got string "x")"));
  EXPECT_THAT(Format(schema->Validate(json())),
              ElementsAre("|not_an_object|expected a JSON object, got null"));
}

TEST(DynamicSchemaTest, ReportsEveryViolationInFieldOrder) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(json::parse(R"({
    "schema_id": "s",
    "fields": [
      {"field_name": "b_text", "field_type": "str"},
      {"field_name": "a_score", "field_type": "int", "constraints": {"ge": 0, "le": 100}},
      {"field_name": "c_mood", "field_type": "Literal['up', 'down']"}
    ]})"));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  EXPECT_THAT(
      Format(schema->Validate(json::parse(R"({"a_score": 150, "c_mood": "sideways",
                                                       "extra": true})"))),
      ElementsAre(
          "b_text|missing_required|expected str, got nothing (required field "
          "missing)",
          "a_score|greater_than_le|expected a value <= 100, got number 150",
          R"(c_mood|not_in_literal|expected one of "up", "down", got string "sideways")",
          R"(extra|unknown_field|expected only fields of schema "s", got unknown field "extra")"));
}

TEST(DynamicSchemaTest, PublicPayloadDropsHiddenFields) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(json::parse(R"({
    "schema_id": "s",
    "fields": [
      {"field_name": "system_response", "field_type": "str"},
      {"field_name": "internal_assessment", "field_type": "str", "required": false,
       "metadata": {"hidden": true, "category": "internal"}},
      {"field_name": "score", "field_type": "int", "metadata": {"hidden": false}}
    ]})"));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  json value = json::parse(
      R"({"system_response": "hi", "internal_assessment": "meh", "score": 3, "other": 1})");
  EXPECT_EQ(schema->PublicPayload(value),
            json::parse(R"({"system_response": "hi", "score": 3, "other": 1})"));
  EXPECT_EQ(schema->PublicPayload(json::parse(R"({"internal_assessment": "x"})")), json::object());
  EXPECT_EQ(schema->PublicPayload(json("text")), json("text"));
}

}  // namespace
}  // namespace agentsim
