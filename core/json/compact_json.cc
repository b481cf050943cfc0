#include "core/json/compact_json.h"

#include <array>
#include <charconv>
#include <cstdint>

#include <simdjson.h>

#include "core/util/byte_scan.h"

namespace agentsim {
namespace {

// What a byte of a string needs: 0 nothing (copied in a run), 1 an escape (nlohmann's, with
// ensure_ascii = false: '"', '\\' and < 0x20), 2 UTF-8 validation (>= 0x80).
constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}();

void AppendEscape(unsigned char c, std::string& out) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(u, sizeof u);
    }
  }
}

template <typename Int>
void AppendInt(Int v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

template <typename Json>
bool Append(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendJsonString(it.key(), out)) return false;
        out.push_back(':');
        if (!Append(it.value(), out)) return false;
      }
      out.push_back('}');
      return true;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& item : v) {
        if (!first) out.push_back(',');
        first = false;
        if (!Append(item, out)) return false;
      }
      out.push_back(']');
      return true;
    }
    case Json::value_t::string:
      return AppendJsonString(v.template get_ref<const std::string&>(), out);
    case Json::value_t::number_integer:
      AppendInt(v.template get<std::int64_t>(), out);
      return true;
    case Json::value_t::number_unsigned:
      AppendInt(v.template get<std::uint64_t>(), out);
      return true;
    case Json::value_t::boolean:
      out += v.template get<bool>() ? "true" : "false";
      return true;
    case Json::value_t::null:
      out += "null";
      return true;
    default:  // number_float, binary, discarded: nlohmann's own formatting
      out += v.dump();
      return true;
  }
}

template <typename Json>
std::string Compact(const Json& value) {
  std::string out;
  out.reserve(256);
  if (Append(value, out)) return out;
  return value.dump();  // not valid UTF-8: dump() throws as it always did
}

}  // namespace

bool AppendJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  bool validated = false;  // the whole string, once, at its first byte >= 0x80
  const char* run = s.data();
  const char* const end = run + s.size();
  for (const char* p = run; p != end; ++p) {
    // Skip ordinary bytes eight at a time, then up to the first byte that needs attention.
    while (end - p >= 8) {
      const std::uint64_t w = byte_scan::Load8(p);
      using byte_scan::HasByte;
      const std::uint64_t marks =
          byte_scan::HasControlOrHighByte(w) | HasByte(w, '"') | HasByte(w, '\\');
      if (marks != 0) {
        p += byte_scan::FirstMarkedByte(marks);
        break;
      }
      p += 8;
    }
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    const unsigned char byte_class = kByteClass[c];
    if (byte_class == 0) continue;
    if (byte_class == 2) {
      if (!validated && !simdjson::validate_utf8(s.data(), s.size())) return false;
      validated = true;
      continue;
    }
    out.append(run, p);
    AppendEscape(c, out);
    run = p + 1;
  }
  out.append(run, end);
  out.push_back('"');
  return true;
}

bool AppendCompactJson(const nlohmann::json& value, std::string& out) { return Append(value, out); }
bool AppendCompactJson(const nlohmann::ordered_json& value, std::string& out) {
  return Append(value, out);
}

std::string CompactJson(const nlohmann::json& value) { return Compact(value); }
std::string CompactJson(const nlohmann::ordered_json& value) { return Compact(value); }

}  // namespace agentsim
