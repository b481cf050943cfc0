#include "core/schema/dynamic_schema.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <utility>

#include "core/json/compact_json.h"
#include "core/json/object_reader.h"
#include "core/schema/field_type.h"

namespace agentsim {
namespace {

using nlohmann::json;

using Keys = std::initializer_list<std::string_view>;

const Keys kSchemaKeys = {"schema_id", "fields", "coercion"};
const Keys kFieldKeys = {"field_name", "field_type",  "description", "required",
                         "default",    "constraints", "metadata"};
const Keys kConstraintKeys = {"ge", "le", "min_length", "max_length"};
const Keys kMetadataKeys = {"hidden", "use_in_tts", "category"};
constexpr std::string_view kMissing = "nothing (required key missing)";
constexpr std::string_view kRangeKinds = "int, float, list[int] or list[float]";
constexpr std::string_view kLengthKinds = "str, list[str], list[int], list[float] or dict";

// The largest |ge| and |le| of an integer field: 2^53 - 1 (see CheckIntegerRange).
constexpr std::int64_t kMaxExactIntegerBoundInt = (std::int64_t{1} << 53) - 1;
constexpr double kMaxExactIntegerBound = static_cast<double>(kMaxExactIntegerBoundInt);
// A bound written with a fraction or an exponent on an integer field lies strictly within ±2^52.
constexpr std::int64_t kFractionalBoundLimitInt = std::int64_t{1} << 52;
constexpr double kFractionalBoundLimit = static_cast<double>(kFractionalBoundLimitInt);

std::string JoinKeys(const Keys& keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

bool Contains(const Keys& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool IsIdentifier(std::string_view s) {
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (s.empty() || !alpha(s.front())) return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The value at `pointer` in `root`, or nullptr when it does not exist (or is malformed).
const json* Resolve(const json& root, std::string_view pointer) {
  try {
    const json::json_pointer p{std::string(pointer)};
    if (!root.contains(p)) return nullptr;
    return &root.at(p);
  } catch (const json::exception&) {
    return nullptr;
  }
}

// Compiles one schema_config, collecting every problem as a located message line.
class SchemaCompiler {
 public:
  SchemaCompiler(const JsonDocument& doc, std::string_view base) : doc_(doc), base_(base) {}

  // Fills `schema_id`, `fields` and `coercion`; returns every problem found (empty: compiled).
  std::vector<std::string> Run(const json* config, std::string& schema_id,
                               std::vector<SchemaField>& fields, CoercionMode& coercion) {
    if (config == nullptr || !config->is_object()) {
      Add(base_, "expected an object with keys schema_id and fields, got " +
                     (config == nullptr ? std::string(kMissing) : DescribeJson(*config)));
      return std::move(errors_);
    }
    const std::string id_ptr = base_ + "/schema_id";
    auto id = config->find("schema_id");
    if (id == config->end()) {
      Add(id_ptr, "expected a non-empty string, got " + std::string(kMissing));
    } else if (!id->is_string() || id->get_ref<const std::string&>().empty()) {
      Add(id_ptr, "expected a non-empty string, got " + DescribeJson(*id));
    } else {
      schema_id = id->get<std::string>();
    }
    const std::string fields_ptr = base_ + "/fields";
    auto list = config->find("fields");
    if (list == config->end()) {
      Add(fields_ptr, "expected an array of field objects, got " + std::string(kMissing));
    } else if (!list->is_array()) {
      Add(fields_ptr, "expected an array of field objects, got " + DescribeJson(*list));
    } else {
      for (std::size_t i = 0; i < list->size(); ++i) {
        CompileField((*list)[i], fields_ptr + "/" + std::to_string(i), fields);
      }
    }
    if (auto mode = config->find("coercion"); mode != config->end()) {
      if (*mode == "strict") {
        coercion = CoercionMode::kStrict;
      } else if (*mode == "lenient") {
        coercion = CoercionMode::kLenient;
      } else {
        Add(base_ + "/coercion", "expected \"strict\" or \"lenient\", got " + DescribeJson(*mode));
      }
    }
    CheckUnknownKeys(*config, base_, kSchemaKeys, "key");
    return std::move(errors_);
  }

 private:
  void Add(const std::string& pointer, std::string_view message) {
    errors_.push_back(doc_.Describe(pointer, message));
  }

  // "unknown key \"hiden\" (did you mean \"hidden\"?)", or without a close match
  // "unknown key \"x\"; expected one of hidden, use_in_tts, category".
  void CheckUnknownKeys(const json& object, const std::string& pointer, const Keys& allowed,
                        std::string_view what) {
    for (const auto& [key, value] : object.items()) {
      if (Contains(allowed, key)) continue;
      std::string message = "unknown " + std::string(what) + " " + DumpForMessage(key);
      if (std::string hint = DidYouMean(key, allowed); !hint.empty()) {
        message += " (did you mean " + DumpForMessage(hint) + "?)";
      } else {
        message += "; expected one of " + JoinKeys(allowed);
      }
      Add(pointer + "/" + EscapePointerToken(key), message);
    }
  }

  void CheckBool(const json& object, const std::string& pointer, std::string_view key, bool& out) {
    auto it = object.find(key);
    if (it == object.end()) return;
    if (!it->is_boolean()) {
      Add(pointer + "/" + std::string(key), "expected a boolean, got " + DescribeJson(*it));
    } else {
      out = it->get<bool>();
    }
  }

  void CheckString(const json& object, const std::string& pointer, std::string_view key,
                   std::string& out) {
    auto it = object.find(key);
    if (it == object.end()) return;
    if (!it->is_string()) {
      Add(pointer + "/" + std::string(key), "expected a string, got " + DescribeJson(*it));
    } else {
      out = it->get<std::string>();
    }
  }

  void CompileField(const json& spec, const std::string& pointer,
                    std::vector<SchemaField>& fields) {
    if (!spec.is_object()) {
      Add(pointer, "expected a field object, got " + DescribeJson(spec));
      return;
    }
    SchemaField field;
    const std::size_t errors_before = errors_.size();
    CompileName(spec, pointer, field);
    bool type_ok = false;
    const std::string type_ptr = pointer + "/field_type";
    auto type = spec.find("field_type");
    if (type == spec.end() || !type->is_string()) {
      Add(type_ptr, "expected one of " + std::string(FieldTypeList()) + ", got " +
                        (type == spec.end() ? std::string(kMissing) : DescribeJson(*type)));
    } else if (auto parsed = ParseFieldType(type->get_ref<const std::string&>()); !parsed) {
      Add(type_ptr, parsed.error());
    } else {
      type_ok = true;
      field.kind = parsed->kind;
      field.literal_values = std::move(parsed->literal_values);
      field.type_text = type->get<std::string>();
    }
    CheckString(spec, pointer, "description", field.description);
    const bool has_default = spec.contains("default");
    field.required = !has_default;
    CheckBool(spec, pointer, "required", field.required);
    if (auto it = spec.find("constraints"); it != spec.end()) {
      CompileConstraints(*it, pointer + "/constraints", type_ok, field);
    }
    if (auto it = spec.find("metadata"); it != spec.end()) {
      CompileMetadata(*it, pointer + "/metadata", field.metadata);
    }
    if (has_default && type_ok) {
      const json& value = spec.at("default");
      std::vector<Violation> violations;
      CheckFieldValue(field, value, violations);
      for (const Violation& v : violations) {
        Add(pointer + "/default", "invalid default: " + v.message);
      }
      field.default_value = value;
    }
    CheckUnknownKeys(spec, pointer, kFieldKeys, "key");
    if (errors_.size() == errors_before) fields.push_back(std::move(field));
  }

  void CompileName(const json& spec, const std::string& pointer, SchemaField& field) {
    const std::string name_ptr = pointer + "/field_name";
    constexpr std::string_view kExpected = "expected an identifier ([A-Za-z_][A-Za-z0-9_]*), got ";
    auto name = spec.find("field_name");
    if (name == spec.end()) {
      Add(name_ptr, std::string(kExpected) + std::string(kMissing));
      return;
    }
    if (!name->is_string() || !IsIdentifier(name->get_ref<const std::string&>())) {
      Add(name_ptr, std::string(kExpected) + DescribeJson(*name));
      return;
    }
    field.name = name->get<std::string>();
    auto [it, inserted] = names_.emplace(field.name, pointer);
    if (!inserted) {
      Add(name_ptr, "expected a unique field_name, got " + DescribeJson(*name) +
                        " again (first used at " + it->second + ")");
    }
  }

  void CompileConstraints(const json& spec, const std::string& pointer, bool type_ok,
                          SchemaField& field) {
    if (!spec.is_object()) {
      Add(pointer, "expected an object with keys among " + JoinKeys(kConstraintKeys) + ", got " +
                       DescribeJson(spec));
      return;
    }
    FieldConstraints& c = field.constraints;
    const std::string kind(FieldKindName(field.kind));
    for (const auto& [key, value] : spec.items()) {
      const std::string ptr = pointer + "/" + EscapePointerToken(key);
      if (key == "ge" || key == "le") {
        if (!value.is_number()) {
          Add(ptr, "expected a number, got " + DescribeJson(value));
        } else if (type_ok && !KindAllowsRange(field.kind)) {
          Add(ptr, "expected " + key + " only on fields of type " + std::string(kRangeKinds) +
                       ", got field_type " + kind);
        } else {
          (key == "ge" ? c.ge : c.le) = value.get<double>();
        }
      } else if (key == "min_length" || key == "max_length") {
        const bool in_range =
            value.is_number_unsigned()
                ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxLengthConstraint)
                : value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
                      value.get<std::int64_t>() <= kMaxLengthConstraint;
        if (!in_range) {
          Add(ptr, "expected an integer from 0 to " + std::to_string(kMaxLengthConstraint) +
                       ", got " + DescribeJson(value));
        } else if (type_ok && !KindAllowsLength(field.kind)) {
          Add(ptr, "expected " + key + " only on fields of type " + std::string(kLengthKinds) +
                       ", got field_type " + kind);
        } else {
          (key == "min_length" ? c.min_length : c.max_length) = value.get<std::int64_t>();
        }
      }
    }
    CheckUnknownKeys(spec, pointer, kConstraintKeys, "constraint");
    if (type_ok && (field.kind == FieldKind::kInt || field.kind == FieldKind::kListInt)) {
      CheckIntegerRange(spec, pointer, c);
    }
    if (c.ge && c.le && *c.ge > *c.le) {
      Add(pointer, "expected ge <= le, got ge " + DumpForMessage(spec.at("ge")) + " and le " +
                       DumpForMessage(spec.at("le")));
    }
    if (c.min_length && c.max_length && *c.min_length > *c.max_length) {
      Add(pointer, "expected min_length <= max_length, got min_length " +
                       std::to_string(*c.min_length) + " and max_length " +
                       std::to_string(*c.max_length));
    }
  }

  // The ge/le of an int or list[int] field: each within ±(2^53 - 1), and at least one integer
  // between them (ge 0.5 and le 0.6 admit none). A failing bound is dropped from `c`.
  //
  // Bounds are held as doubles, which are exact for integers up to 2^53 - 1 (JavaScript's
  // Number.MAX_SAFE_INTEGER): within that range an int64 value compares with the bound exactly
  // (a value beyond it converts to a double beyond it), while a bound such as le
  // 9223372036854775806 would round to 2^63 and let 2^63 - 1 through.
  //
  // A bound written with a fraction or an exponent (9.5, 1e3) is read as the nearest double: it
  // must lie within ±2^52, where doubles still have a fractional part (beyond, 9007199254740990.5
  // would be read as 9007199254740990 and the "no integer between" check misled).
  void CheckIntegerRange(const json& spec, const std::string& pointer, FieldConstraints& c) {
    for (auto [key, bound] : {std::pair{"ge", &c.ge}, std::pair{"le", &c.le}}) {
      if (!*bound) continue;
      const json& value = spec.at(key);
      if (std::fabs(**bound) > kMaxExactIntegerBound) {
        Add(pointer + "/" + key, std::string("expected ") + key + " from -" +
                                     std::to_string(kMaxExactIntegerBoundInt) + " to " +
                                     std::to_string(kMaxExactIntegerBoundInt) +
                                     " (2^53 - 1: the bounds an integer compares with exactly) "
                                     "on an integer field, got " +
                                     DescribeJson(value));
        bound->reset();
      } else if (value.is_number_float() && std::fabs(**bound) >= kFractionalBoundLimit) {
        Add(pointer + "/" + key,
            std::string("expected ") + key +
                " written with a fraction or an exponent to lie strictly between -" +
                std::to_string(kFractionalBoundLimitInt) + " and " +
                std::to_string(kFractionalBoundLimitInt) +
                " on an integer field (2^52: beyond, a double has no fractional part; write an "
                "integer, up to 9007199254740991), got " + DescribeJson(value));
        bound->reset();
      }
    }
    if (c.ge && c.le && *c.ge <= *c.le && std::ceil(*c.ge) > std::floor(*c.le)) {
      Add(pointer, "no integer between ge " + DumpForMessage(spec.at("ge")) + " and le " +
                       DumpForMessage(spec.at("le")));
    }
  }

  void CompileMetadata(const json& spec, const std::string& pointer, FieldMetadata& metadata) {
    if (!spec.is_object()) {
      Add(pointer, "expected an object, got " + DescribeJson(spec));
      return;
    }
    CheckBool(spec, pointer, "hidden", metadata.hidden);
    CheckBool(spec, pointer, "use_in_tts", metadata.use_in_tts);
    CheckString(spec, pointer, "category", metadata.category);
    CheckUnknownKeys(spec, pointer, kMetadataKeys, "key");
  }

  const JsonDocument& doc_;
  std::string base_;
  std::vector<std::string> errors_;
  std::map<std::string, std::string> names_;  // field_name -> pointer of its first definition
};

}  // namespace

std::string_view CoercionModeName(CoercionMode mode) {
  return mode == CoercionMode::kLenient ? "lenient" : "strict";
}

DynamicSchema::DynamicSchema() {
  static const std::shared_ptr<const Impl> kEmpty = std::make_shared<const Impl>();
  impl_ = kEmpty;
}

Result<DynamicSchema> DynamicSchema::Compile(const JsonDocument& doc, std::string_view pointer) {
  auto impl = std::make_shared<Impl>();
  SchemaCompiler compiler(doc, pointer);
  std::vector<std::string> errors =
      compiler.Run(Resolve(doc.root(), pointer), impl->schema_id, impl->fields, impl->coercion);
  if (errors.empty()) return DynamicSchema(std::move(impl));
  std::string message;
  for (const std::string& e : errors) {
    if (!message.empty()) message += '\n';
    message += e;
  }
  return InvalidArgument(std::move(message));
}

Result<DynamicSchema> DynamicSchema::Compile(const nlohmann::json& schema_config,
                                             std::string_view source_name) {
  std::string text;
  try {
    text = schema_config.dump(2, ' ', false, json::error_handler_t::replace);
  } catch (const json::exception& e) {
    return InvalidArgument(std::string(source_name) + ": " + e.what());
  }
  Result<JsonDocument> doc =
      JsonDocument::Parse(std::string(source_name), std::move(text), /*allow_comments=*/false);
  if (!doc) return std::unexpected(doc.error());
  return Compile(*doc, "");
}

const SchemaField* DynamicSchema::Find(std::string_view name) const {
  for (const SchemaField& field : impl_->fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::vector<Violation> DynamicSchema::Validate(const nlohmann::json& value) const {
  std::vector<Violation> out;
  if (!value.is_object()) {
    out.push_back({"", "not_an_object", "expected a JSON object, got " + DescribeJson(value)});
    return out;
  }
  for (const SchemaField& field : impl_->fields) {
    auto it = value.find(field.name);
    if (it == value.end()) {
      if (field.required) {
        out.push_back(
            {field.name, "missing_required",
             "expected " + DescribeFieldType(field) + ", got nothing (required field missing)"});
      }
      continue;
    }
    CheckFieldValue(field, *it, out);
  }
  for (const auto& [key, v] : value.items()) {
    if (Find(key) == nullptr) {
      out.push_back({key, "unknown_field",
                     "expected only fields of schema " + DumpForMessage(impl_->schema_id) +
                         ", got unknown field " + DumpForMessage(key)});
    }
  }
  return out;
}

nlohmann::json DynamicSchema::PublicPayload(const nlohmann::json& value) const {
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [key, v] : value.items()) {
    const SchemaField* field = Find(key);
    if (field != nullptr && field->metadata.hidden) continue;
    out[key] = v;
  }
  return out;
}

std::string DynamicSchema::PublicPayloadText(const nlohmann::json& value, int* fields) const {
  if (!value.is_object()) {
    if (fields != nullptr) *fields = static_cast<int>(value.size());  // as PublicPayload's size()
    return CompactJson(value);
  }
  std::string out;
  out.reserve(256);
  out.push_back('{');
  int written = 0;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const SchemaField* field = Find(it.key());
    if (field != nullptr && field->metadata.hidden) continue;
    if (written > 0) out.push_back(',');
    ++written;
    // A string that is not UTF-8: dump() throws, as it always did.
    if (!AppendJsonString(it.key(), out)) return PublicPayload(value).dump();
    out.push_back(':');
    if (!AppendCompactJson(*it, out)) return PublicPayload(value).dump();
  }
  out.push_back('}');
  if (fields != nullptr) *fields = written;
  return out;
}

nlohmann::json DynamicSchema::WithDefaults(const nlohmann::json& value,
                                           std::vector<std::string>* filled) const {
  if (!value.is_object()) return value;
  json out = value;
  for (const SchemaField& field : impl_->fields) {
    if (field.required || !field.default_value || out.contains(field.name)) continue;
    out[field.name] = *field.default_value;
    if (filled != nullptr) filled->push_back(field.name);
  }
  return out;
}

}  // namespace agentsim
