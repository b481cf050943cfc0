#include "core/schema/json_schema_export.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsim {
namespace {

using nlohmann::json;

DynamicSchema Compile(const std::string& text) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(json::parse(text));
  if (!schema) ADD_FAILURE() << schema.error().message;
  return schema.value_or(DynamicSchema());
}

TEST(JsonSchemaExportTest, ExportsEveryFieldTypeInFieldOrder) {
  DynamicSchema schema = Compile(R"({
    "schema_id": "interview_v1",
    "fields": [
      {"field_name": "system_response", "field_type": "str", "description": "What is said",
       "constraints": {"min_length": 1, "max_length": 600}},
      {"field_name": "score", "field_type": "int", "default": 50,
       "constraints": {"ge": 0, "le": 100}},
      {"field_name": "confidence", "field_type": "float", "required": false,
       "constraints": {"ge": 0.5, "le": 1}},
      {"field_name": "done", "field_type": "bool", "default": false},
      {"field_name": "tags", "field_type": "list[str]", "default": [],
       "constraints": {"max_length": 5}},
      {"field_name": "counts", "field_type": "list[int]", "constraints": {"ge": -3}},
      {"field_name": "weights", "field_type": "list[float]", "required": false,
       "constraints": {"min_length": 2, "le": 2.5}},
      {"field_name": "extra", "field_type": "dict", "required": false,
       "constraints": {"max_length": 3}},
      {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']",
       "default": "neutral"},
      {"field_name": "level", "field_type": "Literal[1, 2, 3]"},
      {"field_name": "only", "field_type": "Literal['x']", "required": false},
      {"field_name": "mixed", "field_type": "Literal['a', 1]", "required": false},
      {"field_name": "note", "field_type": "str", "required": false,
       "metadata": {"hidden": true}}
    ]})");
  EXPECT_EQ(ExportJsonSchema(schema).dump(2),
            R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "interview_v1",
  "type": "object",
  "properties": {
    "system_response": {
      "type": "string",
      "minLength": 1,
      "maxLength": 600,
      "description": "What is said"
    },
    "score": {
      "type": "integer",
      "minimum": 0,
      "maximum": 100,
      "default": 50
    },
    "confidence": {
      "type": "number",
      "minimum": 0.5,
      "maximum": 1
    },
    "done": {
      "type": "boolean",
      "default": false
    },
    "tags": {
      "type": "array",
      "items": {
        "type": "string"
      },
      "maxItems": 5,
      "default": []
    },
    "counts": {
      "type": "array",
      "items": {
        "type": "integer",
        "minimum": -3
      }
    },
    "weights": {
      "type": "array",
      "items": {
        "type": "number",
        "maximum": 2.5
      },
      "minItems": 2
    },
    "extra": {
      "type": "object",
      "maxProperties": 3
    },
    "sentiment": {
      "type": "string",
      "enum": [
        "positive",
        "neutral",
        "negative"
      ],
      "default": "neutral"
    },
    "level": {
      "type": "integer",
      "enum": [
        1,
        2,
        3
      ]
    },
    "only": {
      "type": "string",
      "const": "x"
    },
    "mixed": {
      "enum": [
        "a",
        1
      ]
    },
    "note": {
      "type": "string"
    }
  },
  "required": [
    "system_response",
    "counts",
    "level"
  ],
  "additionalProperties": false
})");
}

TEST(JsonSchemaExportTest, ExportsAnEmptySchema) {
  EXPECT_EQ(ExportJsonSchema(Compile(R"({"schema_id": "e", "fields": []})")).dump(),
            R"({"$schema":"https://json-schema.org/draft/2020-12/schema","title":"e",)"
            R"("type":"object","properties":{},"required":[],"additionalProperties":false})");
}

TEST(JsonSchemaExportTest, WrapsItAsAnOpenAiResponseFormat) {
  struct Case {
    std::string schema_id;
    std::string name;
  };
  const std::vector<Case> cases = {
      {"interview_v1", "interview_v1"},
      {"support.v2 (beta)", "support_v2__beta_"},
      {std::string(70, 'a'), std::string(64, 'a')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.schema_id);
    DynamicSchema schema = Compile(json{{"schema_id", c.schema_id},
                                        {"fields", json::parse(R"([
        {"field_name": "system_response", "field_type": "str"}])")}}
                                       .dump());
    nlohmann::ordered_json format = ExportResponseFormat(schema);
    EXPECT_EQ(format["type"], "json_schema");
    EXPECT_EQ(format["json_schema"]["name"], c.name);
    EXPECT_EQ(format["json_schema"]["strict"], false);
    EXPECT_EQ(format["json_schema"]["schema"], ExportJsonSchema(schema));
    EXPECT_EQ(format.dump().substr(0, 45), R"({"type":"json_schema","json_schema":{"name":")");
  }
}

}  // namespace
}  // namespace agentsim
