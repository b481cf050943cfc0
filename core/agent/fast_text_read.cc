#include "core/agent/fast_text_read.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/agent/fast_text_check.h"
#include "core/agent/fast_text_payload.h"
#include "core/agent/fast_text_scan.h"
#include "core/json/compact_json.h"
#include "core/schema/field_type.h"

namespace agentsim {
namespace {

using nlohmann::json;
using fast_text::Kind;
using fast_text::kMaxFields;
using fast_text::kMaxItems;
using fast_text::Value;

// More members than this: FastReadStructured decides.
constexpr std::size_t kMaxMembers = 32;
constexpr std::uint8_t kNoMember = 0xFF;

// One member of the valid object: read from the text, or a default filled in (no default
// member values, as Value).
struct Member {
  Value value;                // when default_value is null
  const json* default_value;  // a default for an absent optional field
  const SchemaField* field;
};

// Appends a string of the spoken text: `v`'s (when not null) or the default's.
void AppendSpoken(const Member& m, std::string& out) {
  if (m.default_value != nullptr) {
    out += m.default_value->get_ref<const std::string&>();
  } else {
    fast_text::AppendUnescaped(m.value, out);
  }
}

}  // namespace

bool ReadValidText(std::string_view raw, const DynamicSchema& schema,
                   const LlmOutputOptions& options, ParsedLlmOutput& out) {
  if (options.mode != CoercionMode::kStrict || options.max_depth < 2 || options.keep_object) {
    return false;
  }
  const std::span<const SchemaField> fields = schema.fields();
  if (fields.empty() || fields.size() > kMaxFields) return false;
  std::array<Member, kMaxMembers> members;
  std::array<Value, kMaxItems> items;
  std::size_t n_items = 0;
  std::array<std::uint8_t, kMaxFields> member_of;  // per field index: its member, or kNoMember
  member_of.fill(kNoMember);
  std::size_t n = 0;
  fast_text::Reader reader(raw);
  if (reader.Next() != '{') return false;
  reader.Skip();
  if (reader.Next() == '}') {
    reader.Skip();
  } else {
    std::size_t next = 0;  // where the next key is looked for first: keys mostly come in order
    for (;;) {
      if (n == kMaxMembers || reader.Next() != '"') return false;
      std::size_t index = next;
      if (!reader.EatKey(fields[index].name)) {
        Value key;
        if (!reader.String(key) || key.escapes != 0) return false;
        const std::string_view name(key.text, key.size);
        for (std::size_t tried = 0; fields[index].name != name; ++tried) {
          if (tried + 1 == fields.size()) return false;  // unknown_field
          index = index + 1 == fields.size() ? 0 : index + 1;
        }
      }
      next = index + 1 == fields.size() ? 0 : index + 1;
      if (member_of[index] != kNoMember) return false;  // repeated: the last wins in nlohmann
      if (reader.Next() != ':') return false;
      reader.Skip();
      Member& m = members[n];
      if (!reader.MemberValue(m.value, items, n_items)) return false;
      m.default_value = nullptr;
      m.field = &fields[index];
      member_of[index] = static_cast<std::uint8_t>(n++);
      const char c = reader.Next();
      if (c != ',' && c != '}') return false;
      reader.Skip();
      if (c == '}') break;
    }
  }
  if (!reader.AtEnd()) return false;
  const std::span<const Value> item_span(items.data(), n_items);
  SpokenOutput spoken;
  std::vector<std::string> defaults_applied;
  for (std::size_t index = 0; index < fields.size(); ++index) {
    const SchemaField& field = fields[index];
    const Member* m = member_of[index] == kNoMember ? nullptr : &members[member_of[index]];
    if (m == nullptr) {
      if (field.required) return false;  // missing_required
      if (!field.default_value) continue;
      if (n == kMaxMembers) return false;
      members[n] = Member{Value{}, &*field.default_value, &field};
      member_of[index] = static_cast<std::uint8_t>(n);
      m = &members[n++];
      defaults_applied.push_back(field.name);
      if (!m->default_value->is_string()) continue;
    } else {
      if (!fast_text::Valid(field, m->value, item_span)) return false;
      if (m->value.kind != Kind::kString) continue;
    }
    // ExtractSpokenOutput: the text field's string, and the other use_in_tts strings.
    if (field.name == options.text_field) {
      if (m->default_value == nullptr && m->value.escapes == 0) {
        spoken.text.assign(m->value.text, m->value.size);
      } else {
        spoken.text.clear();
        AppendSpoken(*m, spoken.text);
      }
    } else if (field.metadata.use_in_tts) {
      if (!spoken.voice_instructions.empty()) spoken.voice_instructions.push_back(' ');
      AppendSpoken(*m, spoken.voice_instructions);
    }
  }
  // PublicPayloadText: the members but hidden ones, keys sorted (std::map's order): the
  // schema's fields in the order of their names, those with a member (read or defaulted).
  const std::span<const std::uint8_t> by_name = fast_text::FieldsByName(schema);
  // Written into out.room_payload's storage (empty; its capacity kept by ParseLlmOutput's
  // caller across outputs), given back empty when the read fails below.
  std::string payload = std::move(out.room_payload);
  const std::size_t room = raw.size() + 64;  // the payload is mostly the output without blanks
  payload.reserve(room);
  int written = 0;
  bool written_ok = true;  // false: a default that is not UTF-8 (the general path reports it)
  {
    fast_text::Writer w(payload, room);
    w.Put('{');
    for (const std::uint8_t index : by_name) {
      if (member_of[index] == kNoMember) continue;
      const Member& m = members[member_of[index]];
      if (m.field->metadata.hidden) continue;
      // A field name is an identifier (DynamicSchema::Compile checks it): nothing to escape.
      const std::string& name = m.field->name;
      char* p = w.Room(name.size() + 4);
      std::size_t k = 0;
      if (written > 0) p[k++] = ',';
      p[k++] = '"';
      std::memcpy(p + k, name.data(), name.size());
      k += name.size();
      p[k++] = '"';
      p[k++] = ':';
      w.Advance(k);
      ++written;
      if (m.default_value != nullptr) {
        written_ok = AppendCompactJson(*m.default_value, w.Suspend());
        w.Resume();
        if (!written_ok) break;
      } else {
        fast_text::AppendValue(m.value, item_span, w);
      }
    }
    w.Put('}');
  }
  if (!written_ok) {
    payload.clear();
    out.room_payload = std::move(payload);
    return false;
  }
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.detail.clear();
  out.object = json();
  out.defaults_applied = std::move(defaults_applied);
  out.spoken = std::move(spoken);
  out.room_payload = std::move(payload);
  out.room_fields = written;
  return true;
}

}  // namespace agentsim
