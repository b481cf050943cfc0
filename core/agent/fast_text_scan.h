// ReadValidText's token scanner (core/agent/fast_text_read.h; internal to core/agent, included
// only by fast_text_*.cc): JSON strings, numbers, words (true/false/null) and blanks read from
// the text in one pass, into Values that point into that text. Every method returns false on
// anything the fast read does not take (a "\u" escape, a raw byte < 0x20 or >= 0x80 in a
// string, "-0", an integer of more than 18 digits, a double that is not a normal finite number,
// a nested value); the caller then gives up. Header-only: these run per byte and per token and
// stay inline in ReadValidText.
#pragma once

#include <array>
#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/util/byte_scan.h"

namespace agentsim::fast_text {

// More array items than this in one output: FastReadStructured decides.
inline constexpr std::size_t kMaxItems = 64;
// Integers of up to 18 digits fit an int64 whatever they are (simdjson: INT64).
inline constexpr std::ptrdiff_t kMaxIntegerDigits = 18;

enum class Kind : std::uint8_t { kString, kInt, kDouble, kTrue, kFalse, kNull, kArray };

// One value read from the text (it points into the text, which must outlive it). No default
// member values: the reader's arrays of them are left uninitialised (only what was read is
// looked at).
struct Value {
  Kind kind;
  std::uint32_t size;     // kString: bytes between the quotes; kArray: items; else text bytes
  std::uint32_t escapes;  // kString: its backslash escapes (two bytes each); kArray: 1st item
  const char* text;
  double number;          // kInt, kDouble: the value (kInt: as AsDouble gives it)
  std::int64_t integer;   // kInt
};

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first byte in [p, end) that is '"', '\\', below 0x20 or from 0x80; `end` when none.
inline const char* FindStringMark(const char* p, const char* end) {
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

// A recursive-descent reader of the flat objects ReadValidText takes; every method returns false
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

// The byte an escape "\c" stands for (c one of " \ / b f n r t).
inline char Unescaped(char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;  // " \ /
  }
}

// Appends the string the kString `v` stands for (its escapes resolved).
inline void AppendUnescaped(const Value& v, std::string& out) {
  const char* p = v.text;
  const char* const end = v.text + v.size;
  if (v.escapes == 0) {
    out.append(p, end);
    return;
  }
  while (p != end) {
    const char* slash =
        static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (slash == nullptr) {
      out.append(p, end);
      return;
    }
    out.append(p, slash);
    out.push_back(Unescaped(slash[1]));
    p = slash + 2;
  }
}

}  // namespace agentsim::fast_text
