// Helpers shared by the DynamicSchema tests (validation and compilation).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim::schema_test {

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// "field|reason|message" per violation.
inline std::vector<std::string> Format(const std::vector<Violation>& violations) {
  std::vector<std::string> out;
  for (const Violation& v : violations) out.push_back(v.field + "|" + v.reason + "|" + v.message);
  return out;
}

// Compiles {"schema_id": "t", "fields": [<field_json>]}.
inline Result<DynamicSchema> CompileField(std::string_view field_json) {
  return DynamicSchema::Compile(
      nlohmann::json::parse(R"({"schema_id": "t", "fields": [)" + std::string(field_json) + "]}"));
}

// Compile errors of a schema in "t.json" whose fields array holds `fields_text` on line 2
// (so a value's column is its 1-based offset in `fields_text`).
inline std::vector<std::string> FieldErrors(std::string_view fields_text) {
  Result<JsonDocument> doc = JsonDocument::Parse("t.json", R"({"schema_id": "t", "fields": [)"
                                                           "\n" +
                                                               std::string(fields_text) + "\n]}");
  if (!doc) return {"parse error: " + doc.error().message};
  Result<DynamicSchema> schema = DynamicSchema::Compile(*doc, "");
  if (schema) return {};
  EXPECT_EQ(schema.error().code, ErrorCode::kInvalidArgument);
  return SplitLines(schema.error().message);
}

struct ValueCase {
  std::string_view value;  // JSON text of the value of field "x"; "" leaves "x" out
  std::vector<std::string> expected;
};

// Validates {"x": value} against the one-field schema `field_json`, for every case.
inline void ExpectValidation(std::string_view field_json, const std::vector<ValueCase>& cases) {
  Result<DynamicSchema> schema = CompileField(field_json);
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  for (const ValueCase& c : cases) {
    SCOPED_TRACE(std::string(field_json) + " with value " + std::string(c.value));
    nlohmann::json object = nlohmann::json::object();
    if (!c.value.empty()) object["x"] = nlohmann::json::parse(c.value);
    EXPECT_EQ(Format(schema->Validate(object)), c.expected);
  }
}


}  // namespace agentsim::schema_test
