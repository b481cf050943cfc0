#include "core/config/config_diff.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

namespace agentsim {
namespace {

using nlohmann::json;

constexpr std::string_view kStillValid = "every output valid before is still valid";

std::string Number(double d) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  if (ec != std::errc()) return "?";
  return std::string(buf.data(), end);
}

std::string Plural(std::int64_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

bool IsList(FieldKind kind) {
  return kind == FieldKind::kListStr || kind == FieldKind::kListInt ||
         kind == FieldKind::kListFloat;
}

bool IsIntegral(FieldKind kind) { return kind == FieldKind::kInt || kind == FieldKind::kListInt; }

// The type in explanations: "int", "list[str]", "Literal[\"a\", \"b\"]" (one spelling per type).
std::string TypeName(const SchemaField& field) {
  if (field.kind != FieldKind::kLiteral) return std::string(FieldKindName(field.kind));
  std::string out = "Literal[";
  for (std::size_t i = 0; i < field.literal_values.size(); ++i) {
    if (i > 0) out += ", ";
    out += field.literal_values[i].dump();
  }
  return out + "]";
}

bool AllLiterals(const SchemaField& field, bool strings) {
  for (const json& v : field.literal_values) {
    if (v.is_string() != strings) return false;
  }
  return true;
}

// Whether every value of `narrow`'s type is a value of `wide`'s type (the kinds differ).
bool Widens(const SchemaField& narrow, const SchemaField& wide) {
  if (narrow.kind == FieldKind::kInt) return wide.kind == FieldKind::kFloat;
  if (narrow.kind == FieldKind::kListInt) return wide.kind == FieldKind::kListFloat;
  if (narrow.kind != FieldKind::kLiteral) return false;
  if (wide.kind == FieldKind::kStr) return AllLiterals(narrow, /*strings=*/true);
  if (wide.kind == FieldKind::kInt || wide.kind == FieldKind::kFloat) {
    return AllLiterals(narrow, /*strings=*/false);
  }
  return false;
}

std::string DescribeDefault(const std::optional<json>& value) {
  return value ? value->dump() : "(none)";
}

// Collects the changes of one field in the documented aspect order.
class FieldDiff {
 public:
  FieldDiff(const SchemaField& before, const SchemaField& after, std::vector<SchemaChange>& out)
      : b_(before), a_(after), out_(out) {}

  void Run() {
    Type();
    Literals();
    Required();
    Range("ge", b_.constraints.ge, a_.constraints.ge, /*lower_bound=*/true);
    Range("le", b_.constraints.le, a_.constraints.le, /*lower_bound=*/false);
    Length("min_length", b_.constraints.min_length, a_.constraints.min_length, true);
    Length("max_length", b_.constraints.max_length, a_.constraints.max_length, false);
    Metadata();
  }

 private:
  void Add(std::string kind, bool breaking, std::string explanation) {
    out_.push_back({a_.name, std::move(kind), breaking, std::move(explanation)});
  }

  void Type() {
    if (b_.kind == a_.kind) return;
    const std::string from = TypeName(b_);
    const std::string to = TypeName(a_);
    std::string why;
    if (Widens(b_, a_)) {
      why = "outputs valid before stay valid, but consumers written for " + from + " now get any " +
            to;
    } else if (Widens(a_, b_)) {
      why = "outputs valid before (other " + from + " values) are now refused";
    } else {
      why =
          "outputs valid before are now refused, and consumers written for " + from + " get " + to;
    }
    Add("type_changed", true, "type " + from + " -> " + to + ": " + why);
  }

  void Literals() {
    if (b_.kind != FieldKind::kLiteral || a_.kind != FieldKind::kLiteral) return;
    auto contains = [](const SchemaField& f, const json& v) {
      for (const json& x : f.literal_values) {
        if (x == v) return true;
      }
      return false;
    };
    for (const json& v : b_.literal_values) {
      if (contains(a_, v)) continue;
      Add("literal_value_removed", true,
          "Literal value " + v.dump() + " removed: outputs valid before (" + v.dump() +
              ") are now refused");
    }
    for (const json& v : a_.literal_values) {
      if (contains(b_, v)) continue;
      Add("literal_value_added", false,
          "Literal value " + v.dump() + " added: " + std::string(kStillValid));
    }
  }

  void Required() {
    if (b_.required && !a_.required) {
      Add("required_to_optional", true,
          "required -> optional: outputs may now omit a field every consumer could rely on "
          "(the frontend, the spoken text_field)");
    } else if (!b_.required && a_.required) {
      Add("optional_to_required", true,
          "optional -> required: outputs valid before that omit the field are now refused");
    }
  }

  // "(e.g. 75)" for a scalar, "(e.g. an element 75)" for a list.
  std::string ValueExample(double v) const {
    return IsList(a_.kind) ? "(e.g. an element " + Number(v) + ")" : "(e.g. " + Number(v) + ")";
  }

  // ge (`lower_bound`) or le: tightened when the refused range grows.
  void Range(std::string_view name, const std::optional<double>& from,
             const std::optional<double>& to, bool lower_bound) {
    const std::string n(name);
    const bool integral = IsIntegral(a_.kind);
    if (!from && !to) return;
    if (from && !to) {
      Add("constraint_removed", false,
          n + " " + Number(*from) + " removed: " + std::string(kStillValid));
      return;
    }
    if (!from) {
      // The nearest value just outside the new bound.
      const double example = lower_bound ? (integral ? std::ceil(*to) - 1 : *to - 1)
                                         : (integral ? std::floor(*to) + 1 : *to + 1);
      Add("constraint_added", true,
          n + " " + Number(*to) + " added: outputs valid before " + ValueExample(example) +
              " are now refused");
      return;
    }
    if (*from == *to) return;
    const std::string head = n + " " + Number(*from) + " -> " + Number(*to) + ": ";
    const bool tightened = lower_bound ? *to > *from : *to < *from;
    if (!tightened) {
      Add("constraint_loosened", false, head + std::string(kStillValid));
      return;
    }
    // Refused now: [from, to) for ge, (to, from] for le. Example: the midpoint, rounded into
    // that range for integer fields when possible.
    const double lo = std::min(*from, *to);
    const double hi = std::max(*from, *to);
    double example = (lo + hi) / 2;
    if (integral) example = lower_bound ? std::floor(example) : std::ceil(example);
    const bool in_range =
        lower_bound ? example >= lo && example < hi : example > lo && example <= hi;
    std::string clause = ValueExample(example);
    if (!in_range) {
      clause = lower_bound ? "(values in [" + Number(lo) + ", " + Number(hi) + "))"
                           : "(values in (" + Number(lo) + ", " + Number(hi) + "])";
    }
    Add("constraint_tightened", true, head + "outputs valid before " + clause + " are now refused");
  }

  // "(e.g. a str of 450 characters)", "(e.g. a list of 3 elements)", "(e.g. a dict of 1 key)".
  std::string LengthExample(std::int64_t length) const {
    if (a_.kind == FieldKind::kStr) return "(e.g. a str of " + Plural(length, "character") + ")";
    if (a_.kind == FieldKind::kDict) return "(e.g. a dict of " + Plural(length, "key") + ")";
    return "(e.g. a list of " + Plural(length, "element") + ")";
  }

  void Length(std::string_view name, const std::optional<std::int64_t>& from,
              const std::optional<std::int64_t>& to, bool lower_bound) {
    const std::string n(name);
    if (!from && !to) return;
    if (from && !to) {
      Add("constraint_removed", false,
          n + " " + std::to_string(*from) + " removed: " + std::string(kStillValid));
      return;
    }
    if (!from) {
      const std::string head = n + " " + std::to_string(*to) + " added: ";
      if (lower_bound && *to == 0) {
        Add("constraint_added", false, head + "it refuses nothing; " + std::string(kStillValid));
      } else {
        Add("constraint_added", true,
            head + "outputs valid before " + LengthExample(lower_bound ? *to - 1 : *to + 1) +
                " are now refused");
      }
      return;
    }
    if (*from == *to) return;
    const std::string head = n + " " + std::to_string(*from) + " -> " + std::to_string(*to) + ": ";
    const bool tightened = lower_bound ? *to > *from : *to < *from;
    if (!tightened) {
      Add("constraint_loosened", false, head + std::string(kStillValid));
      return;
    }
    // Refused now: lengths in [from, to) for min_length, (to, from] for max_length.
    const std::int64_t example =
        lower_bound ? *from + (*to - *from) / 2 : *to + (*from - *to + 1) / 2;
    Add("constraint_tightened", true,
        head + "outputs valid before " + LengthExample(example) + " are now refused");
  }

  void Metadata() {
    if (b_.default_value != a_.default_value) {
      Add("default_changed", false,
          "default " + DescribeDefault(b_.default_value) + " -> " +
              DescribeDefault(a_.default_value) +
              ": informational; defaults are never filled into outputs, so validation and "
              "publishing are unchanged");
    }
    const FieldMetadata& bm = b_.metadata;
    const FieldMetadata& am = a_.metadata;
    if (!bm.hidden && am.hidden) {
      Add("hidden_changed", true,
          "hidden false -> true: the field is no longer published to the room; the frontend "
          "loses data it received before");
    } else if (bm.hidden && !am.hidden) {
      Add("hidden_changed", true,
          "hidden true -> false: the field is now published to the room; data kept private "
          "before becomes public");
    }
    if (bm.use_in_tts != am.use_in_tts) {
      Add("use_in_tts_changed", true,
          am.use_in_tts ? "use_in_tts false -> true: the field is now sent to TTS with the spoken "
                          "text; what the user hears changes"
                        : "use_in_tts true -> false: the field is no longer sent to TTS; what the "
                          "user hears changes");
    }
    if (bm.category != am.category) {
      Add("category_changed", false,
          "category " + json(bm.category).dump() + " -> " + json(am.category).dump() +
              ": informational; validation, publishing and TTS ignore it");
    }
    if (b_.description != a_.description) {
      Add("description_changed", false,
          "description " + json(b_.description).dump() + " -> " + json(a_.description).dump() +
              ": informational; validation, publishing and TTS ignore it");
    }
  }

  const SchemaField& b_;
  const SchemaField& a_;
  std::vector<SchemaChange>& out_;
};

SchemaChange Added(const SchemaField& field) {
  const std::string type = TypeName(field);
  if (field.required) {
    return {field.name, "field_added_required", true,
            "required " + type + " field added: outputs valid before lack it and are now refused"};
  }
  if (field.default_value) {
    return {field.name, "field_added_optional_with_default", false,
            "optional " + type + " field added with default " + field.default_value->dump() + ": " +
                std::string(kStillValid)};
  }
  return {field.name, "field_added_optional_without_default", false,
          "optional " + type + " field added without a default: " + std::string(kStillValid) +
              " (it may be absent)"};
}

SchemaChange Removed(const SchemaField& field) {
  return {field.name, "field_removed", true,
          std::string(field.required ? "required " : "optional ") + TypeName(field) +
              " field removed: consumers lose it, and outputs that still carry it are refused "
              "as unknown_field"};
}

// The document as diffed: the raw config without the schema's fields (DiffSchemas covers them).
json WithoutSchemaFields(const json& raw) {
  json out = raw;
  if (out.is_object()) {
    auto schema = out.find("schema_config");
    if (schema != out.end() && schema->is_object()) schema->erase("fields");
  }
  return out;
}

std::string ValueAt(const json& doc, const std::string& pointer) {
  try {
    const json::json_pointer p(pointer);
    if (doc.contains(p)) return doc.at(p).dump();
  } catch (const json::exception&) {
  }
  return "(absent)";
}

}  // namespace

std::vector<SchemaChange> DiffSchemas(const DynamicSchema& before, const DynamicSchema& after) {
  std::vector<SchemaChange> out;
  for (const SchemaField& field : after.fields()) {
    if (const SchemaField* old = before.Find(field.name)) {
      FieldDiff(*old, field, out).Run();
    } else {
      out.push_back(Added(field));
    }
  }
  for (const SchemaField& field : before.fields()) {
    if (after.Find(field.name) == nullptr) out.push_back(Removed(field));
  }
  return out;
}

bool ConfigDiff::breaking() const {
  for (const SchemaChange& c : schema) {
    if (c.breaking) return true;
  }
  return false;
}

ConfigDiff DiffConfigs(const AgentConfig& before, const AgentConfig& after) {
  ConfigDiff diff;
  diff.schema = DiffSchemas(before.schema, after.schema);
  const json from = WithoutSchemaFields(before.raw);
  const json to = WithoutSchemaFields(after.raw);
  std::vector<std::pair<std::string, std::string>> lines;  // path, line
  for (const json& op : json::diff(from, to)) {
    const std::string path = op.at("path").get<std::string>();
    const std::string name = path.empty() ? "(document)" : path.substr(1);
    const std::string kind = op.at("op").get<std::string>();
    const std::string old_value = kind == "add" ? "(absent)" : ValueAt(from, path);
    const std::string new_value = kind == "remove" ? "(absent)" : op.at("value").dump();
    lines.emplace_back(name, name + ": " + old_value + " -> " + new_value);
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [path, line] : lines) diff.other.push_back(std::move(line));
  return diff;
}

std::string FormatConfigDiff(const ConfigDiff& diff) {
  std::string out;
  std::size_t breaking = 0;
  for (const SchemaChange& c : diff.schema) {
    if (c.breaking) ++breaking;
    out += std::string(c.breaking ? "BREAKING   " : "compatible ") + c.field + ": " + c.kind +
           ": " + c.explanation + "\n";
  }
  for (const std::string& line : diff.other) out += "config     " + line + "\n";
  if (diff.schema.empty() && diff.other.empty()) return out + "verdict: no changes\n";
  if (breaking > 0) {
    return out + "verdict: breaking (" + std::to_string(breaking) + " of " +
           Plural(static_cast<std::int64_t>(diff.schema.size()), "schema change") +
           "): needs a major version bump and a new agent_id ...-v<major>\n";
  }
  return out + "verdict: compatible (" +
         Plural(static_cast<std::int64_t>(diff.schema.size()), "schema change") +
         ", none breaking; " +
         Plural(static_cast<std::int64_t>(diff.other.size()), "other change") +
         "): no major version bump needed\n";
}

}  // namespace agentsim
