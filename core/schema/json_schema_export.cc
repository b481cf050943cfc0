#include "core/schema/json_schema_export.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace agentsim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// [-2^63, 2^63): the doubles that convert to int64 exactly when integral.
constexpr double kInt64Low = -9223372036854775808.0;
constexpr double kInt64End = 9223372036854775808.0;

ordered_json Number(double d) {
  if (std::trunc(d) == d && d >= kInt64Low && d < kInt64End) {
    return static_cast<std::int64_t>(d);
  }
  return d;
}

// nlohmann::json -> ordered_json (defaults, literal values), keeping the value exactly.
ordered_json Ordered(const json& value) { return ordered_json(value); }

const char* ScalarType(FieldKind kind) {
  switch (kind) {
    case FieldKind::kStr:
    case FieldKind::kListStr: return "string";
    case FieldKind::kInt:
    case FieldKind::kListInt: return "integer";
    case FieldKind::kFloat:
    case FieldKind::kListFloat: return "number";
    case FieldKind::kBool: return "boolean";
    case FieldKind::kDict: return "object";
    case FieldKind::kLiteral: break;
  }
  return "";
}

void AddRange(const FieldConstraints& c, ordered_json& out) {
  if (c.ge) out["minimum"] = Number(*c.ge);
  if (c.le) out["maximum"] = Number(*c.le);
}

void AddLength(const FieldConstraints& c, const char* min_key, const char* max_key,
               ordered_json& out) {
  if (c.min_length) out[min_key] = *c.min_length;
  if (c.max_length) out[max_key] = *c.max_length;
}

ordered_json LiteralProperty(const SchemaField& field) {
  ordered_json out = ordered_json::object();
  bool all_strings = true;
  bool all_integers = true;
  for (const json& v : field.literal_values) {
    all_strings = all_strings && v.is_string();
    all_integers = all_integers && v.is_number_integer();
  }
  if (all_strings) out["type"] = "string";
  if (all_integers) out["type"] = "integer";
  if (field.literal_values.size() == 1) {
    out["const"] = Ordered(field.literal_values.front());
  } else {
    ordered_json values = ordered_json::array();
    for (const json& v : field.literal_values) values.push_back(Ordered(v));
    out["enum"] = std::move(values);
  }
  return out;
}

ordered_json Property(const SchemaField& field) {
  ordered_json out = ordered_json::object();
  const FieldConstraints& c = field.constraints;
  switch (field.kind) {
    case FieldKind::kLiteral:
      out = LiteralProperty(field);
      break;
    case FieldKind::kStr:
      out["type"] = "string";
      AddLength(c, "minLength", "maxLength", out);
      break;
    case FieldKind::kInt:
    case FieldKind::kFloat:
      out["type"] = ScalarType(field.kind);
      AddRange(c, out);
      break;
    case FieldKind::kBool:
      out["type"] = "boolean";
      break;
    case FieldKind::kDict:
      out["type"] = "object";
      AddLength(c, "minProperties", "maxProperties", out);
      break;
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      out["type"] = "array";
      ordered_json items = {{"type", ScalarType(field.kind)}};
      AddRange(c, items);
      out["items"] = std::move(items);
      AddLength(c, "minItems", "maxItems", out);
      break;
    }
  }
  if (!field.description.empty()) out["description"] = field.description;
  if (field.default_value) out["default"] = Ordered(*field.default_value);
  return out;
}

// `schema_id` reduced to OpenAI's name alphabet and length.
std::string ResponseFormatName(const std::string& schema_id) {
  std::string name;
  for (char c : schema_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    name.push_back(ok ? c : '_');
    if (name.size() == 64) break;
  }
  return name.empty() ? std::string("schema") : name;
}

}  // namespace

nlohmann::ordered_json ExportJsonSchema(const DynamicSchema& schema) {
  ordered_json properties = ordered_json::object();
  ordered_json required = ordered_json::array();
  for (const SchemaField& field : schema.fields()) {
    properties[field.name] = Property(field);
    if (field.required) required.push_back(field.name);
  }
  ordered_json out = ordered_json::object();
  out["$schema"] = kJsonSchemaDialect;
  out["title"] = schema.schema_id();
  out["type"] = "object";
  out["properties"] = std::move(properties);
  out["required"] = std::move(required);
  out["additionalProperties"] = false;
  return out;
}

nlohmann::ordered_json ExportResponseFormat(const DynamicSchema& schema) {
  ordered_json inner = ordered_json::object();
  inner["name"] = ResponseFormatName(schema.schema_id());
  inner["strict"] = false;
  inner["schema"] = ExportJsonSchema(schema);
  ordered_json out = ordered_json::object();
  out["type"] = "json_schema";
  out["json_schema"] = std::move(inner);
  return out;
}

}  // namespace agentsim
