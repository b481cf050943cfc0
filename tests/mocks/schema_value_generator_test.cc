#include "mocks/schema_value_generator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

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
      R"({"field_name": "big", "field_type": "int", "constraints": {"ge": 9223372036854775000}},)"
      R"({"field_name": "low", "field_type": "int", "constraints": {"le": -9223372036854775808}},)"
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

}  // namespace
}  // namespace agentsim
