// ReadValidText's room payload writer (core/agent/fast_text_read.h; internal to core/agent,
// included only by fast_text_*.cc): values read from the text (core/agent/fast_text_scan.h)
// written as PublicPayloadText writes them (nlohmann's dump(): compact, a double in its shortest
// round-trip form, "\/" written "/"), by memcpy into a string sized ahead; and the key order of
// the payload (the schema's fields in the order of their names, std::map's), from a per-thread
// cache. Header-only but for that cache: the writer runs per member and stays inline.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "core/agent/fast_text_scan.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim::fast_text {

// More schema fields than this: FastReadStructured decides.
inline constexpr std::size_t kMaxFields = 64;

// Writes into a string sized ahead (resize, then cut to what was written), so that each piece
// is a memcpy rather than a push_back or append call.
class Writer {
 public:
  // Writes `out` from its start, with `room` bytes of it ready (grown as needed); `out` keeps
  // its capacity when what is written fits in it.
  Writer(std::string& out, std::size_t room) : out_(out) { out_.resize(room); }
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

// Appends the string `v` as AppendJsonString writes the string it stands for: the text itself,
// but "\/" written "/" (the other escapes the text may have are the ones nlohmann writes).
inline void AppendStringJson(const Value& v, Writer& out) {
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
    const char* slash =
        static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
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

// Appends a scalar as dump() writes the value nlohmann reads from it.
inline void AppendScalar(const Value& v, Writer& out) {
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

inline void AppendValue(const Value& v, std::span<const Value> items, Writer& out) {
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

// The indices of `schema`'s fields (it has at most kMaxFields) in the order of their names,
// computed once per schema and thread: a per-thread cache of the last 16 schemas seen, each
// entry holding a copy of its schema (a shared reference to the compiled form), so that the
// fields the entry is found by stay alive and cannot be another schema's. The span is valid
// until the next call on the same thread.
std::span<const std::uint8_t> FieldsByName(const DynamicSchema& schema);

}  // namespace agentsim::fast_text
