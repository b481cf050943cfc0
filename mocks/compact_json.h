// The mock LLM's answer text, written without nlohmann's serializer where that is simple:
// exactly what nlohmann::ordered_json::dump() (compact, no indent, UTF-8 as is) gives, for
// objects, arrays, strings, integers, booleans and null. A float anywhere, or a string with a
// byte >= 0x80 (nlohmann validates UTF-8), falls back to dump() for the whole value, so the
// text is always dump()'s (tests/mocks/compact_json_test.cc compares them).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace agentsim {

std::string CompactJson(const nlohmann::ordered_json& value);

}  // namespace agentsim
