#include "mocks/schema_value_generator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/json/compact_json.h"
#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "core/schema/field_type.h"
#include "mocks/response_corpus.h"

namespace agentsim {
namespace {

using nlohmann::json;

DynamicSchema Compile(const std::string& fields) {
  Result<DynamicSchema> schema =
      DynamicSchema::Compile(json::parse(R"({"schema_id": "t", "fields": [)" + fields + "]}"));
  EXPECT_TRUE(schema.has_value()) << schema.error().message;
  return schema.value_or(DynamicSchema());
}

TEST(SchemaValueGeneratorTest, ValuesAtTheLargestAllowedLengthsAreValid) {
  // min_length is capped at kMaxLengthConstraint by DynamicSchema; at the cap the generator
  // still terminates and its values validate.
  const std::string n = std::to_string(kMaxLengthConstraint);
  const DynamicSchema schema = Compile(
      R"({"field_name": "s", "field_type": "str", "constraints": {"min_length": )" + n +
      R"(, "max_length": )" + n + "}}," +
      R"({"field_name": "d", "field_type": "dict", "constraints": {"min_length": )" + n + "}}," +
      R"({"field_name": "l", "field_type": "list[int]", "constraints": {"min_length": )" + n +
      R"(, "max_length": )" + n + "}}");
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  Rng rng(4);
  const nlohmann::ordered_json object = generator.Object(schema, 1.0, rng);
  EXPECT_EQ(object["s"].get<std::string>().size(), static_cast<std::size_t>(kMaxLengthConstraint));
  EXPECT_EQ(object["d"].size(), static_cast<std::size_t>(kMaxLengthConstraint));
  EXPECT_EQ(object["l"].size(), static_cast<std::size_t>(kMaxLengthConstraint));
  EXPECT_TRUE(schema.Validate(json::parse(object.dump())).empty());
}

TEST(SchemaValueGeneratorTest, NumbersStayInsideExtremeBounds) {
  const DynamicSchema schema = Compile(
      R"({"field_name": "big", "field_type": "int", "constraints": {"ge": 9007199254740000}},)"
      R"({"field_name": "low", "field_type": "int", "constraints": {"le": -9007199254740991}},)"
      R"({"field_name": "wide", "field_type": "float", "constraints": {"ge": -1e308, "le": 1e308}})");
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  Rng rng(8);
  for (int i = 0; i < 200; ++i) {
    const nlohmann::ordered_json object = generator.Object(schema, 1.0, rng);
    ASSERT_TRUE(schema.Validate(json::parse(object.dump())).empty()) << object.dump();
  }
}

TEST(SchemaValueGeneratorTest, LiteralValuesAreTypedAsTheirJsonText) {
  // Each value is what ordered_json::parse of its text gives: a non-negative integer is
  // unsigned, a negative one signed (the generator builds them without the round trip).
  const DynamicSchema schema = Compile(
      R"({"field_name": "s", "field_type": "Literal['a', \"b c\", 'caf\u00e9']"},)"
      R"({"field_name": "n", "field_type": "Literal[-7, 0, 9223372036854775807]"})");
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  Rng rng(3);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const nlohmann::ordered_json object = generator.Object(schema, 1.0, rng);
    ASSERT_EQ(object.size(), 2u);
    EXPECT_EQ(object.begin().key(), "s");
    for (const auto& [key, value] : object.items()) {
      const nlohmann::ordered_json reparsed = nlohmann::ordered_json::parse(value.dump());
      EXPECT_EQ(value.type(), reparsed.type()) << key << " " << value.dump();
      EXPECT_EQ(value, reparsed);
      seen.insert(value.dump());
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{"\"a\"", "\"b c\"", "\"caf\u00e9\"", "-7", "0",
                                         "9223372036854775807"}));
}

TEST(SchemaValueGeneratorTest, KeysFollowTheSchemaAndSkipUndrawnOptionalFields) {
  const DynamicSchema schema = Compile(
      R"({"field_name": "z", "field_type": "int"},)"
      R"({"field_name": "o", "field_type": "bool", "required": false},)"
      R"({"field_name": "a", "field_type": "str"})");
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  Rng rng(5);
  EXPECT_EQ(generator.Object(schema, 0.0, rng).dump().substr(0, 5), R"({"z":)");
  auto keys = [](const nlohmann::ordered_json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
  };
  EXPECT_EQ(keys(generator.Object(schema, 0.0, rng)), (std::vector<std::string>{"z", "a"}));
  EXPECT_EQ(keys(generator.Object(schema, 1.0, rng)), (std::vector<std::string>{"z", "o", "a"}));
}

// A corpus whose candidates need escaping, are not ASCII, or are too long / short for some
// fields' bounds.
const ResponseCorpus& EscapingCorpus() {
  static const ResponseCorpus corpus =
      ResponseCorpus::Parse("corpus.json", R"({
        "s": ["plain", "quote \" and \\ backslash", "tab\there\nnewline \u0001", "caf\u00e9 \u00fc\u00f1\u00ee", "x"],
        "ls": ["a/b", "\u20ac 5", ""],
        "short": ["way too long for the bound", "ok"]
      })").value();
  return corpus;
}

// Schemas covering every kind and the edges of String / Number / LengthBetween.
const std::vector<std::string>& TextSchemas() {
  static const std::vector<std::string> schemas = {
      R"({"field_name": "s", "field_type": "str"},)"
      R"({"field_name": "i", "field_type": "int", "constraints": {"ge": -5, "le": 5}},)"
      R"({"field_name": "f", "field_type": "float", "required": false},)"
      R"({"field_name": "b", "field_type": "bool", "required": false},)"
      R"({"field_name": "lit", "field_type": "Literal['a', \"q\\\"uote\", 'caf\u00e9', -3, 0, 7]"},)"
      R"({"field_name": "ls", "field_type": "list[str]", "constraints": {"min_length": 1}},)"
      R"({"field_name": "li", "field_type": "list[int]", "constraints": {"ge": 0, "le": 9}},)"
      R"({"field_name": "lf", "field_type": "list[float]", "constraints": {"ge": -1, "le": 1}},)"
      R"({"field_name": "d", "field_type": "dict", "constraints": {"max_length": 12}})",
      // Candidates that do not fit; words cut to a bound; padding; strings needing escapes.
      R"({"field_name": "short", "field_type": "str", "constraints": {"max_length": 3}},)"
      R"({"field_name": "s", "field_type": "str", "constraints": {"min_length": 2, "max_length": 4}},)"
      R"({"field_name": "w", "field_type": "str", "constraints": {"min_length": 30}},)"
      R"({"field_name": "_k9", "field_type": "int", "required": false})",
      // Floats: tiny and huge ranges, negative zero, integral bounds near int64's ends.
      R"({"field_name": "tiny", "field_type": "float", "constraints": {"ge": -0.004, "le": 0.004}},)"
      R"({"field_name": "huge", "field_type": "float", "constraints": {"ge": -1e308, "le": 1e308}},)"
      R"({"field_name": "big", "field_type": "float", "constraints": {"ge": 1e15, "le": 1e22}},)"
      R"({"field_name": "frac", "field_type": "float", "constraints": {"ge": 0.1, "le": 0.3}},)"
      R"({"field_name": "imax", "field_type": "int", "constraints": {"ge": 9007199254740000}},)"
      R"({"field_name": "imin", "field_type": "int", "constraints": {"le": -9007199254740991}},)"
      R"({"field_name": "lf", "field_type": "list[float]", "constraints": {"min_length": 3, "le": -1e10}})",
      // No fields at all.
      "",
  };
  return schemas;
}

TEST(SchemaValueGeneratorTest, ObjectTextIsTheCompactObjectWithTheSameDraws) {
  for (const ResponseCorpus* corpus : {&ResponseCorpus::BuiltIn(), &EscapingCorpus()}) {
    SchemaValueGenerator tree(corpus);
    SchemaValueGenerator text(corpus);  // one generator for every schema: its cache is shared
    std::vector<DynamicSchema> schemas;
    for (const std::string& fields : TextSchemas()) schemas.push_back(Compile(fields));
    for (int round = 0; round < 300; ++round) {
      // Schemas interleaved (the cache switches plans), copies of a schema share its plan.
      const DynamicSchema schema = schemas[static_cast<std::size_t>(round) % schemas.size()];
      const double rate = round % 3 == 0 ? 0.0 : (round % 3 == 1 ? 0.5 : 1.0);
      Rng a(static_cast<std::uint64_t>(round));
      Rng b = a;
      const std::string expected = CompactJson(tree.Object(schema, rate, a));
      std::string out = "prefix";
      text.AppendObjectText(schema, rate, b, out);
      ASSERT_EQ(out, "prefix" + expected) << "round " << round;
      ASSERT_EQ(a.NextU64(), b.NextU64()) << "round " << round;  // the same number of draws
    }
  }
}

TEST(SchemaValueGeneratorTest, ObjectTextWritesFloatsAsNlohmannDoes) {
  // Through a float field whose bounds pin the value: ge == le gives exactly that value.
  const std::vector<double> values = {0.0, -0.0, 1.0, -1.5, 0.1, 1e-5, 123456.78, 1e15, 1e16,
                                      1e21, 1e22, 1.7976931348623157e308, 5e-324, -2.5e-300};
  SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  for (double v : values) {
    json bound = v;
    const DynamicSchema schema =
        Compile(R"({"field_name": "f", "field_type": "float", "constraints": {"ge": )" +
                bound.dump() + R"(, "le": )" + bound.dump() + "}}");
    Rng a(1);
    Rng b(1);
    std::string out;
    generator.AppendObjectText(schema, 1.0, b, out);
    EXPECT_EQ(out, CompactJson(generator.Object(schema, 1.0, a))) << bound.dump();
  }
}

}  // namespace
}  // namespace agentsim
