// The commonest structured output read straight from its text, before simdjson: one flat JSON
// object (string, number, true/false/null and arrays of those as values; no nested object, no
// array in an array), plain ASCII, in strict mode, that satisfies the schema as it is. One pass
// over the bytes checks the syntax and reads the members; nothing is parsed twice and no tree
// is built. A string without escapes is its own compact JSON (the room payload copies it as is).
//
// It answers only where FastReadStructured's read from simdjson's DOM (and so the general path)
// would find the object valid, with that read's result byte for byte; anything else (another
// value shape, an escape it does not take, "-0", an integer of more than 18 digits, a double
// that is not a normal finite number, a repeated or unknown key, a violation, a missing required
// field, keep_object) is left to FastReadStructured, with `out` untouched. So every decision to
// answer is one the DOM read would make too: SafeForFastPath's conditions (no byte >= 0x80, no
// "\u" escape, no raw control byte in a string, no "-0" outside strings) hold for what it
// accepts, and its grammar is a subset of JSON's.
//
// State: each thread keeps the name order of the fields of the last 16 schemas it read for (the
// room payload's key order), with a copy of each schema (a shared reference to its compiled
// form, which the copy keeps alive until evicted or the thread ends).
//
// Parts (internal headers, namespace agentsim::fast_text): fast_text_scan.h (the token scanner),
// fast_text_check.h (the schema checks of values), fast_text_payload.{h,cc} (the room payload
// writer and the per-thread key-order cache); fast_text_read.cc is the driver.
#pragma once

#include <string_view>

#include "core/agent/llm_output_parser.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

// True when `raw` is such an object: `out` is then the complete structured result (outcome
// structured, reason ok, spoken, room_payload and room_fields, defaults_applied, object null),
// as FastReadStructured's kDone leaves it. False leaves `out` untouched. Requires
// options.mode strict, options.max_depth >= 2 and options.keep_object false (else false), and
// out.room_payload empty: its capacity holds the payload written (no allocation once grown).
bool ReadValidText(std::string_view raw, const DynamicSchema& schema,
                   const LlmOutputOptions& options, ParsedLlmOutput& out);

}  // namespace agentsim
