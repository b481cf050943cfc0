#include "mocks/compact_json.h"

#include <charconv>
#include <cstdint>

namespace agentsim {
namespace {

using nlohmann::ordered_json;

// nlohmann's escaping with ensure_ascii = false. False for a byte >= 0x80.
bool AppendString(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x80) return false;
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return true;
}

template <typename Int>
void AppendInt(Int v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool Append(const ordered_json& v, std::string& out) {
  switch (v.type()) {
    case ordered_json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendString(it.key(), out)) return false;
        out.push_back(':');
        if (!Append(it.value(), out)) return false;
      }
      out.push_back('}');
      return true;
    }
    case ordered_json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const ordered_json& item : v) {
        if (!first) out.push_back(',');
        first = false;
        if (!Append(item, out)) return false;
      }
      out.push_back(']');
      return true;
    }
    case ordered_json::value_t::string:
      return AppendString(v.get_ref<const std::string&>(), out);
    case ordered_json::value_t::number_integer:
      AppendInt(v.get<std::int64_t>(), out);
      return true;
    case ordered_json::value_t::number_unsigned:
      AppendInt(v.get<std::uint64_t>(), out);
      return true;
    case ordered_json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return true;
    case ordered_json::value_t::null:
      out += "null";
      return true;
    default:  // number_float, binary, discarded: nlohmann's own formatting
      return false;
  }
}

}  // namespace

std::string CompactJson(const ordered_json& value) {
  std::string out;
  out.reserve(256);
  if (Append(value, out)) return out;
  return value.dump();
}

}  // namespace agentsim
