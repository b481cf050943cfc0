// Generated outputs for the differential test of ParseLlmOutput's direct read
// (fast_structured_output_diff_test.cc): valid objects from the mock's SchemaValueGenerator
// (fixed seeds), mutations of them (a field dropped, a value of the wrong type, out of range,
// too long, an unknown or repeated key, non-ASCII text, "\u" escapes, -0, 1e400, deep
// nesting...) and the mock's malformed outputs; and the texts and helpers they are built from.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema/dynamic_schema.h"

namespace agentsim::structured_output_test {

// `object` with `field`'s value written as the raw JSON text `value_text`.
std::string WithRawValue(nlohmann::ordered_json object, const std::string& field,
                         std::string_view value_text);

// Nested arrays around `inner`, `levels` deep.
std::string Nested(int levels, std::string_view inner);

// Number texts (valid and not: -0, 1e400, 2^64, 0x10, ...) and JSON string texts (escapes,
// surrogates, non-ASCII, invalid UTF-8, raw control characters, ...), to put in any field.
const std::vector<std::string>& NumberTexts();
const std::vector<std::string>& StringTexts();

// Strings of exactly `n` code points: ASCII, and two-byte characters (bytes > code points).
std::string AsciiString(std::int64_t n);
std::string TwoByteString(std::int64_t n);

// Receives each generated output and its kind ("valid", "drop_required", "wrong_type", ...).
using OutputCheck = std::function<void(const std::string& raw, std::string_view kind)>;

// Generated outputs for `schema`: `valid_count` valid objects from `seed` (deterministic), each
// in several layouts, with mutations of one field picked per object; each passed to `check`.
void Generate(const DynamicSchema& schema, std::uint64_t seed, int valid_count,
              const OutputCheck& check);

}  // namespace agentsim::structured_output_test
