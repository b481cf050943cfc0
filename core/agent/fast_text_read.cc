#include "core/agent/fast_text_read.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/json/compact_json.h"
#include "core/schema/field_type.h"
#include "core/util/byte_scan.h"

namespace agentsim {
namespace {

using nlohmann::json;

// More members, schema fields or array items than these: FastReadStructured decides.
constexpr std::size_t kMaxMembers = 32;
constexpr std::size_t kMaxFields = 64;
constexpr std::size_t kMaxItems = 64;
constexpr std::uint8_t kNoMember = 0xFF;
// Integers of up to 18 digits fit an int64 whatever they are (simdjson: INT64).
constexpr std::ptrdiff_t kMaxIntegerDigits = 18;

enum class Kind : std::uint8_t { kString, kInt, kDouble, kTrue, kFalse, kNull, kArray };

// One value read from the text. No default member values: the reader's arrays of them are
// left uninitialised (only what was read is looked at).
struct Value {
  Kind kind;
  std::uint32_t size;     // kString: bytes between the quotes; kArray: items; else text bytes
  std::uint32_t escapes;  // kString: its backslash escapes (two bytes each); kArray: 1st item
  const char* text;
  double number;          // kInt, kDouble: the value (kInt: as AsDouble gives it)
  std::int64_t integer;   // kInt
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first byte in [p, end) that is '"', '\\', below 0x20 or from 0x80; `end` when none.
const char* FindStringMark(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    // A byte below 0x20 or from 0x80 is a signed byte below 0x20.
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i marks = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(marks));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    using namespace byte_scan;
    const std::uint64_t w = Load8(p);
    const std::uint64_t marks = HasControlOrHighByte(w) | HasByte(w, '"') | HasByte(w, '\\');
    if (marks != 0) return p + FirstMarkedByte(marks);
    p += 8;
  }
  for (; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return p;
  }
  return end;
}

// A recursive-descent reader of the flat objects this file takes; every method returns false
// on anything else (the caller then gives up).
class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void SkipBlanks() {
    if (p_ != end_ && static_cast<unsigned char>(*p_) > ' ') return;  // compact JSON: no blank
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool AtEnd() {
    SkipBlanks();
    return p_ == end_;
  }
  // The next byte after blanks ('\0' at the end: never a byte this reader takes there).
  char Next() {
    SkipBlanks();
    return p_ == end_ ? '\0' : *p_;
  }
  // Eats the byte Next() returned.
  void Skip() { ++p_; }

  // At a '"': eats the key `name` (an identifier: its text is its JSON string's) when it is the
  // one there.
  bool EatKey(std::string_view name) {
    if (static_cast<std::size_t>(end_ - p_) < name.size() + 2 || p_[name.size() + 1] != '"' ||
        std::memcmp(p_ + 1, name.data(), name.size()) != 0) {
      return false;
    }
    p_ += name.size() + 2;
    return true;
  }

  // At a '"': the string (escapes \" \\ \/ \b \f \n \r \t only; no raw byte < 0x20 or >= 0x80).
  bool String(Value& v) {
    const char* const begin = ++p_;
    std::uint32_t escapes = 0;
    for (;;) {
      p_ = FindStringMark(p_, end_);
      if (p_ == end_ || *p_ != '\\') break;
      if (end_ - p_ < 2) return false;
      switch (p_[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          break;
        default:  // \u (SafeForFastPath refuses it) or invalid
          return false;
      }
      p_ += 2;
      ++escapes;
    }
    if (p_ == end_ || *p_ != '"') return false;  // unterminated, a control or non-ASCII byte
    v.kind = Kind::kString;
    v.text = begin;
    v.size = static_cast<std::uint32_t>(p_ - begin);
    v.escapes = escapes;
    ++p_;
    return true;
  }

  // A scalar value after blanks: string, number, true, false, null.
  bool Scalar(Value& v) {
    SkipBlanks();
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        return String(v);
      case 't':
        return Word("true", Kind::kTrue, v);
      case 'f':
        return Word("false", Kind::kFalse, v);
      case 'n':
        return Word("null", Kind::kNull, v);
      default:
        return Number(v);
    }
  }

  // A member's value: a scalar or an array of scalars (items appended to `items`).
  bool MemberValue(Value& v, std::array<Value, kMaxItems>& items, std::size_t& n_items) {
    if (Next() != '[') return Scalar(v);
    ++p_;
    v.kind = Kind::kArray;
    v.escapes = static_cast<std::uint32_t>(n_items);
    v.size = 0;
    if (Next() == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (n_items == kMaxItems || !Scalar(items[n_items])) return false;
      ++n_items;
      ++v.size;
      const char c = Next();
      if (c != ',' && c != ']') return false;
      ++p_;
      if (c == ']') return true;
    }
  }

 private:
  bool Word(std::string_view word, Kind kind, Value& v) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    v.kind = kind;
    v.text = p_;
    v.size = static_cast<std::uint32_t>(word.size());
    p_ += word.size();
    return true;  // what follows is checked by the caller (',', ']' or '}' after blanks)
  }

  // JSON's number grammar; "-0..." is refused (SafeForFastPath), so are integers of more than
  // 18 digits and doubles that from_chars does not read as a normal finite number (or zero).
  bool Number(Value& v) {
    const char* const begin = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    const char* const digits = p_;
    if (*p_ == '0') {
      if (negative) return false;
      ++p_;
    } else {
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    const char* const digits_end = p_;
    bool is_double = false;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
      is_double = true;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
      is_double = true;
    }
    v.text = begin;
    v.size = static_cast<std::uint32_t>(p_ - begin);
    if (!is_double) {
      if (digits_end - digits > kMaxIntegerDigits) return false;
      std::int64_t n = 0;
      for (const char* d = digits; d != digits_end; ++d) n = n * 10 + (*d - '0');
      v.kind = Kind::kInt;
      v.integer = negative ? -n : n;
      v.number = static_cast<double>(v.integer);
      return true;
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(begin, p_, d);
    if (ec != std::errc() || end != p_ || !std::isfinite(d) ||
        (d != 0 && std::fabs(d) < DBL_MIN)) {
      return false;
    }
    v.kind = Kind::kDouble;
    v.number = d;
    return true;
  }

  const char* p_;
  const char* const end_;
};

// One member of the valid object: read from the text, or a default filled in (no default
// member values, as Value).
struct Member {
  Value value;                // when default_value is null
  const json* default_value;  // a default for an absent optional field
  const SchemaField* field;
};

// Writes into a string sized ahead (resize, then cut to what was written), so that each piece
// is a memcpy rather than a push_back or append call.
class Writer {
 public:
  // `out` keeps its capacity when what is written fits in it.
  explicit Writer(std::string& out) : out_(out) { out_.resize(out_.capacity()); }
  ~Writer() { out_.resize(pos_); }

  [[gnu::always_inline]] char* Room(std::size_t n) {
    if (out_.size() - pos_ < n) [[unlikely]] Grow(n);
    return out_.data() + pos_;
  }
  void Advance(std::size_t n) { pos_ += n; }
  [[gnu::always_inline]] void Put(char c) {
    *Room(1) = c;
    ++pos_;
  }
  void Put(const char* p, std::size_t n) {
    std::memcpy(Room(n), p, n);
    pos_ += n;
  }
  // The string's text so far (for AppendCompactJson): call Resume after appending to it.
  std::string& Suspend() {
    out_.resize(pos_);
    return out_;
  }
  void Resume() {
    pos_ = out_.size();
    out_.resize(out_.capacity());
  }

 private:
  [[gnu::noinline]] void Grow(std::size_t n) {
    out_.resize(std::max(2 * out_.size(), pos_ + n));
  }

  std::string& out_;
  std::size_t pos_ = 0;
};

char Unescaped(char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;  // " \ /
  }
}

// Appends the string `v` stands for (its escapes resolved).
void AppendUnescaped(const Value& v, std::string& out) {
  const char* p = v.text;
  const char* const end = v.text + v.size;
  if (v.escapes == 0) {
    out.append(p, end);
    return;
  }
  while (p != end) {
    const char* slash = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (slash == nullptr) {
      out.append(p, end);
      return;
    }
    out.append(p, slash);
    out.push_back(Unescaped(slash[1]));
    p = slash + 2;
  }
}

// Appends the string `v` as AppendJsonString writes the string it stands for: the text itself,
// but "\/" written "/" (the other escapes the text may have are the ones nlohmann writes).
void AppendStringJson(const Value& v, Writer& out) {
  if (v.escapes == 0) {
    char* w = out.Room(v.size + 2);
    w[0] = '"';
    std::memcpy(w + 1, v.text, v.size);
    w[v.size + 1] = '"';
    out.Advance(v.size + 2);
    return;
  }
  out.Put('"');
  const char* p = v.text;
  const char* const end = v.text + v.size;
  while (p != end) {
    const char* slash = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (slash == nullptr) break;
    if (slash[1] == '/') {
      out.Put(p, static_cast<std::size_t>(slash - p));
      out.Put('/');
    } else {
      out.Put(p, static_cast<std::size_t>(slash + 2 - p));
    }
    p = slash + 2;
  }
  out.Put(p, static_cast<std::size_t>(end - p));
  out.Put('"');
}

bool InRange(const SchemaField& field, double d) {
  const FieldConstraints& c = field.constraints;
  return !(c.ge && d < *c.ge) && !(c.le && d > *c.le);
}

bool LengthOk(const SchemaField& field, std::int64_t length) {
  const FieldConstraints& c = field.constraints;
  return !(c.min_length && length < *c.min_length) && !(c.max_length && length > *c.max_length);
}

// The characters of a string (UTF-8 code points, as CheckLength counts them): its bytes, as
// only ASCII is taken, with an escape's two bytes one.
std::int64_t Characters(const Value& v) { return std::int64_t{v.size} - std::int64_t{v.escapes}; }

bool MatchesLiteral(const SchemaField& field, const Value& v) {
  for (const json& literal : field.literal_values) {
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

bool ItemMatches(FieldKind list_kind, Kind k) {
  if (list_kind == FieldKind::kListStr) return k == Kind::kString;
  if (list_kind == FieldKind::kListInt) return k == Kind::kInt;
  return k == Kind::kInt || k == Kind::kDouble;
}

// True only when CheckFieldValue(field, <v as nlohmann parses it>) reports nothing; a dict
// field is left to FastReadStructured (false).
bool Valid(const SchemaField& field, const Value& v, std::span<const Value> items) {
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

// Appends a scalar as dump() writes the value nlohmann reads from it.
void AppendScalar(const Value& v, Writer& out) {
  switch (v.kind) {
    case Kind::kString:
      AppendStringJson(v, out);
      return;
    case Kind::kDouble: {
      // What dump() writes for a finite double: nlohmann's shortest round-trip form.
      std::array<char, 64> buf{};
      char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v.number);
      out.Put(buf.data(), static_cast<std::size_t>(end - buf.data()));
      return;
    }
    default:  // an integer (no leading zero, no "-0": its text is its shortest form), a word
      out.Put(v.text, v.size);
      return;
  }
}

void AppendValue(const Value& v, std::span<const Value> items, Writer& out) {
  if (v.kind != Kind::kArray) {
    AppendScalar(v, out);
    return;
  }
  out.Put('[');
  bool first = true;
  for (const Value& item : items.subspan(v.escapes, v.size)) {
    if (!first) out.Put(',');
    first = false;
    AppendScalar(item, out);
  }
  out.Put(']');
}

// Appends a string of the spoken text: `v`'s (when not null) or the default's.
void AppendSpoken(const Member& m, std::string& out) {
  if (m.default_value != nullptr) {
    out += m.default_value->get_ref<const std::string&>();
  } else {
    AppendUnescaped(m.value, out);
  }
}

// The indices of `schema`'s fields (at most kMaxFields) in the order of their names, computed
// once per schema and thread: a per-thread cache of the last schemas seen, each entry holding a
// copy of its schema (a shared reference to the compiled form), so that the fields the entry is
// found by stay alive and cannot be another schema's.
std::span<const std::uint8_t> FieldsByName(const DynamicSchema& schema) {
  struct Entry {
    DynamicSchema schema;
    std::array<std::uint8_t, kMaxFields> by_name;
  };
  constexpr std::size_t kMaxEntries = 16;
  static thread_local std::vector<Entry> cache;
  static thread_local std::size_t last = 0;
  const std::span<const SchemaField> fields = schema.fields();
  if (last < cache.size() && cache[last].schema.fields().data() == fields.data()) {
    return std::span(cache[last].by_name.data(), fields.size());
  }
  for (std::size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].schema.fields().data() == fields.data()) {
      last = i;
      return std::span(cache[i].by_name.data(), fields.size());
    }
  }
  if (cache.size() == kMaxEntries) cache.erase(cache.begin());
  Entry& entry = cache.emplace_back(Entry{schema, {}});
  for (std::size_t i = 0; i < fields.size(); ++i) entry.by_name[i] = static_cast<std::uint8_t>(i);
  std::sort(entry.by_name.begin(), entry.by_name.begin() + static_cast<std::ptrdiff_t>(fields.size()),
            [&](std::uint8_t a, std::uint8_t b) { return fields[a].name < fields[b].name; });
  last = cache.size() - 1;
  return std::span(entry.by_name.data(), fields.size());
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
  Reader reader(raw);
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
      if (!Valid(field, m->value, item_span)) return false;
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
  const std::span<const std::uint8_t> by_name = FieldsByName(schema);
  std::string payload;
  payload.reserve(raw.size() + 64);  // the payload is mostly the output without its blanks
  int written = 0;
  {
    Writer w(payload);
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
        const bool ok = AppendCompactJson(*m.default_value, w.Suspend());
        w.Resume();
        if (!ok) return false;
      } else {
        AppendValue(m.value, item_span, w);
      }
    }
    w.Put('}');
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
