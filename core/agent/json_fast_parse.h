// A fast path for reading one JSON text: simdjson (DOM, libsimdjson 3.0.1) builds the same
// nlohmann::json that nlohmann::json::parse would, about ten times faster on the LLM outputs of
// a simulation (DEPENDENCIES.md, "What the hot path costs"; docs/performance.md).
//
// It answers only where both parsers are known to agree, and says "don't know" (nullopt)
// otherwise, so the caller falls back to nlohmann (which then also gives the error message):
//   - any parse error (simdjson's verdict is not used: nlohmann's message is the one reported);
//   - any byte >= 0x80 (UTF-8 validation and BOM handling are left to nlohmann);
//   - any "\u" escape (surrogate rules differ between the two);
//   - any raw control byte (< 0x20) inside a string (simdjson 3.0.1 accepts it, nlohmann not);
//   - "-0" outside strings (nlohmann keeps -0 a signed integer, simdjson's int64 loses the
//     sign; -0.5 etc. fall back too, harmlessly).
// Numbers map as in nlohmann: a non-negative integer is number_unsigned, a negative one
// number_integer, one with '.' or an exponent number_float. Duplicate keys: the last wins.
//   - nesting deeper than `max_depth` levels, counted as JsonNestingDepth counts them (each
//     array or object one level; core/agent/json_repair.h), so that a caller need not scan the
//     text for its depth first when the fast path answers (simdjson's own limit: 1,024).
// The simdjson side (the per-thread parser, the text check, the conversion) is in
// core/agent/json_fast_dom.h, shared with the direct read of valid outputs
// (core/agent/fast_structured_output.h).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace agentsim {

std::optional<nlohmann::json> FastParseJson(std::string_view text, int max_depth = 1024);

}  // namespace agentsim
