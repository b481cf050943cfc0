// The simdjson side of FastParseJson (core/agent/json_fast_parse.h), for the code that reads an
// LLM output straight from simdjson's DOM (core/agent/fast_structured_output.h): the per-thread
// parser, the text check that decides where simdjson and nlohmann agree, and the conversion of
// a DOM element to the nlohmann::json that nlohmann::json::parse would build.
#pragma once

// As core/CMakeLists.txt sets for json_fast_parse.cc: every file that includes simdjson.h must
// see the same definition (it changes simdjson's classes).
#ifndef SIMDJSON_THREADS_ENABLED
#define SIMDJSON_THREADS_ENABLED 1
#endif

#include <string_view>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace agentsim::json_fast {

// True when `text` has nothing the two parsers might read differently (the list in
// core/agent/json_fast_parse.h): no byte >= 0x80, no "\u" escape, no raw control byte in a
// string, no "-0" outside strings.
bool SafeForFastPath(std::string_view text);

// simdjson's DOM of `text`, parsed by this thread's parser (its buffers are reused across calls):
// an error when simdjson does not parse it. The element is valid until the next call of
// ParseDom or FastParseJson on the same thread. Does not check SafeForFastPath.
simdjson::simdjson_result<simdjson::dom::element> ParseDom(std::string_view text);

// Sets `out` to the value nlohmann::json::parse builds for `e` (numbers: non-negative integers
// number_unsigned, negative ones number_integer, others number_float; a repeated key: the last
// wins). False when arrays and objects nest more than `levels` deep (`out` is then partial).
bool ConvertDom(simdjson::dom::element e, nlohmann::json& out, int levels);

}  // namespace agentsim::json_fast
