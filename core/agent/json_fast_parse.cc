#include "core/agent/json_fast_parse.h"

#include <bit>
#include <cstdint>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/agent/json_fast_dom.h"
#include "core/util/byte_scan.h"

namespace agentsim {
namespace json_fast {
namespace {

using nlohmann::json;

// Inside a string only '"', '\\', control bytes and bytes >= 0x80 matter; outside it also '-'.
std::uint64_t InStringSpecial(std::uint64_t w) {
  using namespace byte_scan;
  return HasControlOrHighByte(w) | HasByte(w, '"') | HasByte(w, '\\');
}
std::uint64_t OutsideSpecial(std::uint64_t w) {
  return InStringSpecial(w) | byte_scan::HasByte(w, '-');
}

enum class Quick { kSafe, kUnsafe, kUnknown };

// A scan that needs no string state, for the common output (compact, ASCII, few escapes): kSafe
// when the text has no byte >= 0x80, no byte < 0x20, no backslash before 'u' and no '-' before
// '0' anywhere (then SafeForFastPath's checks cannot fail), kUnsafe at a byte >= 0x80 (refused in
// and out of strings alike), else kUnknown (the full scan decides).
// The index of the first byte of the 8 at `p` that QuickScan looks at (a byte below 0x20 or from
// 0x80, a backslash, a '-'), or 8.
int FirstMark8(const char* p) {
  using namespace byte_scan;
  const std::uint64_t w = Load8(p);
  const std::uint64_t marks = HasControlOrHighByte(w) | HasByte(w, '\\') | HasByte(w, '-');
  return marks == 0 ? 8 : FirstMarkedByte(marks);
}

// The same for the 16 bytes at `p`, or 16.
int FirstMark16(const char* p) {
#if defined(__SSE2__)
  // A byte below 0x20 or from 0x80 is a signed byte below 0x20.
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i marks = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(marks));
  return mask == 0 ? 16 : std::countr_zero(mask);
#else
  const int first = FirstMark8(p);
  return first < 8 ? first : 8 + FirstMark8(p + 8);
#endif
}

Quick QuickScan(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 16 <= n) {
      const int skip = FirstMark16(text.data() + i);
      i += static_cast<std::size_t>(skip);
      if (skip == 16) continue;
    } else if (i + 8 <= n) {
      const int skip = FirstMark8(text.data() + i);
      i += static_cast<std::size_t>(skip);
      if (skip == 8) continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    const char next = i + 1 < n ? text[i + 1] : '\0';
    if (c >= 0x80) return Quick::kUnsafe;
    if (c < 0x20 || (c == '\\' && next == 'u') || (c == '-' && next == '0')) {
      return Quick::kUnknown;
    }
    ++i;
  }
  return Quick::kSafe;
}

// The full scan, with the string state.
bool FullScan(std::string_view text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Skip ordinary bytes eight at a time (most of an LLM output is string content), then up
    // to the first byte that matters.
    while (i + 8 <= text.size()) {
      const std::uint64_t w = byte_scan::Load8(text.data() + i);
      const std::uint64_t marks = in_string ? InStringSpecial(w) : OutsideSpecial(w);
      if (marks != 0) {
        i += byte_scan::FirstMarkedByte(marks);
        break;
      }
      i += 8;
    }
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) return false;
    if (in_string) {
      if (c == '\\') {
        if (i + 1 < text.size() && text[i + 1] == 'u') return false;
        ++i;  // the escaped byte
      } else if (c == '"') {
        in_string = false;
      } else if (c < 0x20) {
        return false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '0') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool SafeForFastPath(std::string_view text) {
  switch (QuickScan(text)) {
    case Quick::kSafe:
      return true;
    case Quick::kUnsafe:
      return false;
    case Quick::kUnknown:
      break;
  }
  return FullScan(text);
}

simdjson::simdjson_result<simdjson::dom::element> ParseDom(std::string_view text) {
  // One parser per thread, reused: its buffers grow to the largest output seen.
  static thread_local simdjson::dom::parser parser;
  return parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true);
}

// False also on an element type this code does not know.
bool ConvertDom(simdjson::dom::element e, json& out, int levels) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      if (levels == 0) return false;
      out = json::object();
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(e)) {
        json& slot = out[std::string(field.key)];  // a repeated key: the last value wins
        if (!ConvertDom(field.value, slot, levels - 1)) return false;
      }
      return true;
    }
    case simdjson::dom::element_type::ARRAY: {
      if (levels == 0) return false;
      out = json::array();
      for (simdjson::dom::element item : simdjson::dom::array(e)) {
        json value;
        if (!ConvertDom(item, value, levels - 1)) return false;
        out.push_back(std::move(value));
      }
      return true;
    }
    case simdjson::dom::element_type::INT64: {
      const std::int64_t v = int64_t(e);
      if (v >= 0) {
        out = static_cast<std::uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case simdjson::dom::element_type::UINT64:
      out = uint64_t(e);
      return true;
    case simdjson::dom::element_type::DOUBLE:
      out = double(e);
      return true;
    case simdjson::dom::element_type::STRING:
      out = std::string(std::string_view(e));
      return true;
    case simdjson::dom::element_type::BOOL:
      out = bool(e);
      return true;
    case simdjson::dom::element_type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

}  // namespace json_fast

std::optional<nlohmann::json> FastParseJson(std::string_view text, int max_depth) {
  if (!json_fast::SafeForFastPath(text)) return std::nullopt;
  simdjson::dom::element root;
  if (json_fast::ParseDom(text).get(root) != simdjson::SUCCESS) return std::nullopt;
  nlohmann::json out;
  if (!json_fast::ConvertDom(root, out, max_depth)) return std::nullopt;
  return out;
}

}  // namespace agentsim
