// ReadValidText's schema checks of the values it read (core/agent/fast_text_read.h; internal to
// core/agent, included only by fast_text_*.cc): whether a Value (core/agent/fast_text_scan.h)
// satisfies its schema field as CheckFieldValue would find it satisfies it (type, ge/le,
// min_length/max_length in characters, literal values, list items). A "false" is not a
// violation report, only "not sure here": the caller leaves the output to FastReadStructured.
// Header-only: these run per member and stay inline in ReadValidText.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/agent/fast_text_scan.h"
#include "core/schema/dynamic_schema.h"
#include "core/schema/field_type.h"

namespace agentsim::fast_text {

inline bool InRange(const SchemaField& field, double d) {
  const FieldConstraints& c = field.constraints;
  return !(c.ge && d < *c.ge) && !(c.le && d > *c.le);
}

inline bool LengthOk(const SchemaField& field, std::int64_t length) {
  const FieldConstraints& c = field.constraints;
  return !(c.min_length && length < *c.min_length) && !(c.max_length && length > *c.max_length);
}

// The characters of a string (UTF-8 code points, as CheckLength counts them): its bytes, as
// only ASCII is taken, with an escape's two bytes one.
inline std::int64_t Characters(const Value& v) {
  return std::int64_t{v.size} - std::int64_t{v.escapes};
}

inline bool MatchesLiteral(const SchemaField& field, const Value& v) {
  for (const nlohmann::json& literal : field.literal_values) {
    if (literal.is_string()) {
      if (v.kind != Kind::kString) continue;
      const std::string& l = literal.get_ref<const std::string&>();
      if (v.escapes == 0) {
        if (std::string_view(v.text, v.size) == l) return true;
      } else {
        std::string s;
        AppendUnescaped(v, s);
        if (s == l) return true;
      }
    } else if (literal.is_number_integer()) {
      if (v.kind == Kind::kInt && v.integer == literal.get<std::int64_t>()) return true;
    }
  }
  return false;
}

inline bool ItemMatches(FieldKind list_kind, Kind k) {
  if (list_kind == FieldKind::kListStr) return k == Kind::kString;
  if (list_kind == FieldKind::kListInt) return k == Kind::kInt;
  return k == Kind::kInt || k == Kind::kDouble;
}

// True only when CheckFieldValue(field, <v as nlohmann parses it>) reports nothing; a dict
// field is left to FastReadStructured (false).
inline bool Valid(const SchemaField& field, const Value& v, std::span<const Value> items) {
  switch (field.kind) {
    case FieldKind::kStr:
      return v.kind == Kind::kString && LengthOk(field, Characters(v));
    case FieldKind::kInt:
      return v.kind == Kind::kInt && InRange(field, v.number);
    case FieldKind::kFloat:
      return (v.kind == Kind::kInt || v.kind == Kind::kDouble) && InRange(field, v.number);
    case FieldKind::kBool:
      return v.kind == Kind::kTrue || v.kind == Kind::kFalse;
    case FieldKind::kLiteral:
      return MatchesLiteral(field, v);
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      if (v.kind != Kind::kArray) return false;
      const bool ranged = KindAllowsRange(field.kind);
      for (const Value& item : items.subspan(v.escapes, v.size)) {
        if (!ItemMatches(field.kind, item.kind)) return false;
        if (ranged && !InRange(field, item.number)) return false;
      }
      return LengthOk(field, v.size);
    }
    case FieldKind::kDict:
      return false;
  }
  return false;
}

}  // namespace agentsim::fast_text
