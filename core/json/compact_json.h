// Compact JSON text (no indent, UTF-8 as is) byte for byte as nlohmann's dump() writes it, for
// the hot path of a simulation: the Agent's room payload and the mock LLM's answers. dump() goes
// through nlohmann's serializer, which decodes UTF-8 one byte at a time; these append runs of
// plain bytes at once (docs/performance.md). Equality with dump() is tested for every value kind
// (tests/core/json/compact_json_test.cc).
//
//   - strings: nlohmann's escaping with ensure_ascii = false: \" \\ \b \f \n \r \t, any other
//     byte < 0x20 as \u00xx (lower-case hex), everything else (0x7f and UTF-8) as is;
//   - integers, booleans, null as dump() writes them; floats through dump() itself (its
//     shortest round-trip form, "null" when not finite);
//   - objects in their container's order (sorted keys for nlohmann::json, insertion order for
//     ordered_json).
// A string that is not valid UTF-8 (checked with simdjson::validate_utf8) is one dump() refuses:
// the writers then return false / fall back to dump(), which throws nlohmann's type_error 316
// exactly as before.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace agentsim {

// Appends `s` as a JSON string (quotes included) to `out`. False when `s` is not valid UTF-8;
// `out` may then hold part of the string.
bool AppendJsonString(std::string_view s, std::string& out);

// Appends the compact text of `value` to `out`. False when a string in it is not valid UTF-8
// (`out` may then hold part of the text).
bool AppendCompactJson(const nlohmann::json& value, std::string& out);
bool AppendCompactJson(const nlohmann::ordered_json& value, std::string& out);

// value.dump(), faster. Throws what dump() throws (invalid UTF-8: type_error 316).
std::string CompactJson(const nlohmann::json& value);
std::string CompactJson(const nlohmann::ordered_json& value);

}  // namespace agentsim
