#include "core/agent/fast_structured_output.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/agent/fast_text_read.h"
#include "core/agent/json_fast_dom.h"
#include "core/json/compact_json.h"
#include "core/schema/field_type.h"

namespace agentsim {
namespace {

using nlohmann::json;
using simdjson::dom::element;
using simdjson::dom::element_type;

// More members or schema fields than these: the general path (structured outputs have a
// handful).
constexpr std::size_t kMaxMembers = 32;
constexpr std::size_t kMaxFields = 64;
constexpr std::uint8_t kNoMember = 0xFF;

// One member of the valid object: read from the output, or a default filled in.
struct Member {
  std::string_view key;
  element value;                        // when default_value is null
  const json* default_value = nullptr;  // a default for an absent optional field
  const SchemaField* field = nullptr;
};

bool IsInteger(element_type t) { return t == element_type::INT64 || t == element_type::UINT64; }
bool IsNumber(element_type t) { return IsInteger(t) || t == element_type::DOUBLE; }

// What nlohmann's get<double>() gives for the number `e` converts to.
double AsDouble(element e) {
  switch (e.type()) {
    case element_type::INT64:
      return static_cast<double>(std::int64_t(e));
    case element_type::UINT64:
      return static_cast<double>(std::uint64_t(e));
    default:
      return double(e);
  }
}

// The characters of a string of the fast path, as CheckLength counts them (UTF-8 code points):
// its bytes, since SafeForFastPath admits no byte >= 0x80 and no "\u" escape.
std::int64_t Characters(std::string_view s) { return static_cast<std::int64_t>(s.size()); }

bool InRange(const SchemaField& field, double d) {
  const FieldConstraints& c = field.constraints;
  return !(c.ge && d < *c.ge) && !(c.le && d > *c.le);
}

bool LengthOk(const SchemaField& field, std::int64_t length) {
  const FieldConstraints& c = field.constraints;
  return !(c.min_length && length < *c.min_length) && !(c.max_length && length > *c.max_length);
}

// MatchesLiteral of field_type.cc on the value ConvertDom would build.
bool MatchesLiteral(const SchemaField& field, element e) {
  const element_type t = e.type();
  for (const json& literal : field.literal_values) {
    if (literal.is_string()) {
      if (t == element_type::STRING &&
          std::string_view(literal.get_ref<const std::string&>()) == std::string_view(e)) {
        return true;
      }
    } else if (literal.is_number_integer()) {
      const std::int64_t l = literal.get<std::int64_t>();
      if (t == element_type::INT64 && std::int64_t(e) == l) return true;
      if (t == element_type::UINT64 && l >= 0 &&
          std::uint64_t(e) == static_cast<std::uint64_t>(l)) {
        return true;
      }
    }
  }
  return false;
}

bool ElementMatches(FieldKind list_kind, element_type t) {
  if (list_kind == FieldKind::kListStr) return t == element_type::STRING;
  if (list_kind == FieldKind::kListInt) return IsInteger(t);
  return IsNumber(t);
}

// True only when CheckFieldValue(field, <e converted>) would report nothing; `max_depth` as
// ParseLlmOutput's (the object is level 1, `e` level 2).
bool Valid(const SchemaField& field, element e, int max_depth) {
  const element_type t = e.type();
  switch (field.kind) {
    case FieldKind::kStr:
      return t == element_type::STRING && LengthOk(field, Characters(std::string_view(e)));
    case FieldKind::kInt:
      return IsInteger(t) && InRange(field, AsDouble(e));
    case FieldKind::kFloat:
      return IsNumber(t) && InRange(field, AsDouble(e));
    case FieldKind::kBool:
      return t == element_type::BOOL;
    case FieldKind::kLiteral:
      return MatchesLiteral(field, e);
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      if (t != element_type::ARRAY) return false;
      const bool ranged = KindAllowsRange(field.kind);
      std::int64_t length = 0;
      for (element item : simdjson::dom::array(e)) {
        if (!ElementMatches(field.kind, item.type())) return false;
        if (ranged && !InRange(field, AsDouble(item))) return false;
        ++length;
      }
      return LengthOk(field, length);
    }
    case FieldKind::kDict: {
      if (t != element_type::OBJECT) return false;
      json value;
      if (!json_fast::ConvertDom(e, value, max_depth - 1)) return false;
      std::vector<Violation> violations;
      CheckFieldValue(field, value, violations);
      return violations.empty();
    }
  }
  return false;
}

void AppendInteger(auto n, std::string& out) {
  std::array<char, 24> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), end);
}

// Appends `e` as AppendCompactJson appends the value ConvertDom builds (dump()'s bytes).
bool AppendDom(element e, std::string& out) {
  switch (e.type()) {
    case element_type::STRING:
      return AppendJsonString(std::string_view(e), out);
    case element_type::INT64:
      AppendInteger(std::int64_t(e), out);
      return true;
    case element_type::UINT64:
      AppendInteger(std::uint64_t(e), out);
      return true;
    case element_type::DOUBLE: {
      // What dump() writes for a finite double (simdjson's always are): nlohmann's own
      // shortest round-trip form, without dump()'s string.
      std::array<char, 64> buf{};
      char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), double(e));
      out.append(buf.data(), end);
      return true;
    }
    case element_type::BOOL:
      out += bool(e) ? "true" : "false";
      return true;
    case element_type::NULL_VALUE:
      out += "null";
      return true;
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(e)) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendDom(item, out)) return false;
      }
      out.push_back(']');
      return true;
    }
    case element_type::OBJECT: {  // sorted keys, the last of repeated ones: as nlohmann has it
      json value;
      return json_fast::ConvertDom(e, value, 1 << 20) && AppendCompactJson(value, out);
    }
  }
  return false;
}

// The order of std::string keys (an nlohmann::json object's), deciding on the first byte when
// it differs (field names mostly differ there).
bool KeyLess(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a.front() != b.front()) {
    return static_cast<unsigned char>(a.front()) < static_cast<unsigned char>(b.front());
  }
  return a < b;
}

// Fills `out` from the valid object `root`, or returns false (then `out` is untouched).
bool ReadValid(element root, const DynamicSchema& schema, const LlmOutputOptions& options,
               std::size_t raw_size, ParsedLlmOutput& out) {
  const std::span<const SchemaField> fields = schema.fields();
  if (fields.empty() || fields.size() > kMaxFields) return false;
  std::array<Member, kMaxMembers> members;
  std::array<std::uint8_t, kMaxFields> member_of;  // per field index: its member, or kNoMember
  member_of.fill(kNoMember);
  std::size_t n = 0;
  std::size_t next = 0;  // where the next key is looked for first: keys mostly come in field order
  for (simdjson::dom::key_value_pair kv : simdjson::dom::object(root)) {
    if (n == kMaxMembers) return false;
    std::size_t index = next;
    for (std::size_t tried = 0; fields[index].name != kv.key; ++tried) {
      if (tried + 1 == fields.size()) return false;  // unknown_field
      index = index + 1 == fields.size() ? 0 : index + 1;
    }
    next = index + 1 == fields.size() ? 0 : index + 1;
    if (member_of[index] != kNoMember) return false;  // repeated: the last wins in nlohmann
    member_of[index] = static_cast<std::uint8_t>(n);
    members[n++] = Member{kv.key, kv.value, nullptr, &fields[index]};
  }
  SpokenOutput spoken;
  std::vector<std::string> defaults_applied;
  for (std::size_t index = 0; index < fields.size(); ++index) {
    const SchemaField& field = fields[index];
    const Member* m = member_of[index] == kNoMember ? nullptr : &members[member_of[index]];
    if (m == nullptr) {
      if (field.required) return false;  // missing_required
      if (!field.default_value) continue;
      if (n == kMaxMembers) return false;
      members[n] = Member{field.name, element(), &*field.default_value, &field};
      m = &members[n++];
      defaults_applied.push_back(field.name);
    } else if (!Valid(field, m->value, options.max_depth)) {
      return false;
    }
    // ExtractSpokenOutput: the text field's string, and the other use_in_tts strings.
    std::string_view text;
    if (m->default_value != nullptr) {
      if (!m->default_value->is_string()) continue;
      text = m->default_value->get_ref<const std::string&>();
    } else {
      if (m->value.type() != element_type::STRING) continue;
      text = std::string_view(m->value);
    }
    if (field.name == options.text_field) {
      spoken.text = text;
    } else if (field.metadata.use_in_tts) {
      if (!spoken.voice_instructions.empty()) spoken.voice_instructions.push_back(' ');
      spoken.voice_instructions += text;
    }
  }
  // PublicPayloadText: the members but hidden ones, keys sorted (std::map's order); an
  // insertion sort of their indices (a handful).
  std::array<std::uint8_t, kMaxMembers> order;
  for (std::size_t i = 0; i < n; ++i) {
    const auto index = static_cast<std::uint8_t>(i);
    std::size_t j = i;
    for (; j > 0 && KeyLess(members[index].key, members[order[j - 1]].key); --j) {
      order[j] = order[j - 1];
    }
    order[j] = index;
  }
  std::string payload;
  payload.reserve(raw_size + 64);  // the payload is mostly the output without its blanks
  payload.push_back('{');
  int written = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Member& m = members[order[i]];
    if (m.field->metadata.hidden) continue;
    // A field name is an identifier (DynamicSchema::Compile checks it): nothing to escape.
    payload.append(written > 0 ? ",\"" : "\"", written > 0 ? 2 : 1);
    ++written;
    payload.append(m.field->name);
    payload.append("\":", 2);
    const bool ok = m.default_value != nullptr ? AppendCompactJson(*m.default_value, payload)
                                               : AppendDom(m.value, payload);
    if (!ok) return false;
  }
  payload.push_back('}');
  json object;
  if (options.keep_object) {
    if (!json_fast::ConvertDom(root, object, options.max_depth)) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (members[i].default_value != nullptr) {
        object[std::string(members[i].key)] = *members[i].default_value;
      }
    }
  }
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.detail.clear();
  out.object = std::move(object);
  out.defaults_applied = std::move(defaults_applied);
  out.spoken = std::move(spoken);
  out.room_payload = std::move(payload);
  out.room_fields = written;
  return true;
}

}  // namespace

FastRead FastReadStructured(std::string_view raw, const DynamicSchema& schema,
                            const LlmOutputOptions& options, ParsedLlmOutput& out,
                            json& value) {
  // The commonest output (a flat object, keep_object false) straight from its text.
  if (ReadValidText(raw, schema, options, out)) return FastRead::kDone;
  if (!json_fast::SafeForFastPath(raw)) return FastRead::kDeclined;
  element root;
  if (json_fast::ParseDom(raw).get(root) != simdjson::SUCCESS) return FastRead::kDeclined;
  if (options.mode == CoercionMode::kStrict && options.max_depth >= 2 &&
      root.type() == element_type::OBJECT && ReadValid(root, schema, options, raw.size(), out)) {
    return FastRead::kDone;
  }
  json parsed;
  if (!json_fast::ConvertDom(root, parsed, options.max_depth)) return FastRead::kDeclined;
  value = std::move(parsed);
  return FastRead::kParsed;
}

}  // namespace agentsim
