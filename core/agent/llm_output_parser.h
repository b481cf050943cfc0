// Reading one raw LLM output against an agent's schema, as LLMs really emit it (seed: "Schema
// Design", "Graceful Degradation"). The result says whether the turn is structured or falls
// back to plain text, and why (a reason code), with the parsed and coerced object, what TTS and
// the room would get, the repairs and coercions applied (counted per kind) and the schema
// violations. Never throws and never crashes, whatever the bytes; sizes are bounded.
//
// Reason codes (core/agent/records.h, namespace reason), checked in this order:
//   empty_output      no bytes at all
//   too_large         more than LlmOutputOptions::max_bytes (1 MiB by default)
//   whitespace_only   only JSON blanks (space, tab, LF, CR), however many
//   too_deep          the JSON nests deeper than max_depth (64 by default)
//   not_an_object     the output is JSON, but not an object (an array, a string, a number...)
//   multiple_objects  more than one JSON object (a cut-off one after a complete one counts)
//   truncated         the output ends inside a JSON object (length limit, a stream that ended)
//   refusal           no JSON object, and the text reads as a refusal or an apology
//                     (LooksLikeRefusal in core/agent/json_repair.h)
//   not_json          anything else that is not one JSON object (detail: the parser's message)
//   validation_failed one object, but it violates the schema (violations lists every one)
//   ok                structured: the object satisfies the schema
//
// Modes (DynamicSchema::coercion(), from schema_config.coercion):
//   strict   the whole output must be one JSON object that satisfies the schema as it is (as
//            ParseStructuredOutput always did); failures are classified by the codes above.
//   lenient  the output is first read as in strict mode; when it is not one JSON value, the
//            object is looked for: inside a ``` fence (fenced), among prose (prose_stripped),
//            each candidate through the string-aware repair pre-pass (trailing commas, raw
//            control characters and invalid escapes in strings, lone surrogates, invalid UTF-8;
//            RepairJsonSyntax). Exactly one candidate must parse as an object. A whole output
//            that is a JSON string holding an object is read as that object (double_encoded).
//            The object's values are then coerced to the field types (CoerceToSchema in
//            core/agent/value_coercion.h). Every repair and coercion is counted per kind
//            (CoercionKind), also when the turn falls back after all.
// In both modes a valid object gets the defaults of its absent optional fields
// (DynamicSchema::WithDefaults) before TTS and the room see it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/agent/coercion_counts.h"
#include "core/agent/records.h"
#include "core/agent/structured_output.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

// The largest raw output read: 1 MiB. Larger output is refused as too_large, unread.
inline constexpr std::size_t kMaxLlmOutputBytes = 1024 * 1024;
// The deepest nesting of arrays and objects accepted in an output (and in a string read as a
// list or dict); structured outputs are shallow, and deep values would risk the stack in
// recursive code (copies, dumps).
inline constexpr int kMaxLlmOutputDepth = 64;

struct LlmOutputOptions {
  CoercionMode mode = CoercionMode::kStrict;
  std::string text_field = "system_response";  // the field TTS speaks (tts_config.text_field)
  std::size_t max_bytes = kMaxLlmOutputBytes;
  int max_depth = kMaxLlmOutputDepth;
  // False: a structured result leaves ParsedLlmOutput::object null (TTS and the room get their
  // text all the same), so that a valid object is read straight from simdjson's DOM without
  // building it (core/agent/fast_structured_output.h). A fallback keeps its object either way.
  bool keep_object = true;
};

struct ParsedLlmOutput {
  TurnOutcome outcome = TurnOutcome::kFallback;  // kStructured or kFallback (never kError)
  std::string_view reason = reason::kNotJson;    // a code from the list above
  std::string detail;  // human text for the reason ("" when ok); safe to print (no raw bytes)
  // The parsed object after coercion (and, when valid, defaults); null when none was found, and
  // when the output is structured and options.keep_object was false.
  nlohmann::json object;
  CoercionCounts coercions;
  std::vector<std::string> defaults_applied;  // fields filled from their default, in order
  std::vector<Violation> violations;          // when reason is validation_failed
  SpokenOutput spoken;          // structured only: text and voice instructions for TTS
  // Structured only: the text published to the room, the object without hidden fields as
  // compact JSON (DynamicSchema::PublicPayloadText: dump()'s bytes, keys sorted), and how many
  // fields it has. Else "" and 0.
  std::string room_payload;
  int room_fields = 0;

  bool structured() const { return outcome == TurnOutcome::kStructured; }
};

// Reads `raw` (any bytes) against `schema` in `options.mode`.
ParsedLlmOutput ParseLlmOutput(std::string_view raw, const DynamicSchema& schema,
                               const LlmOutputOptions& options);
// The same, with `payload_buffer` (its contents dropped) as the storage of room_payload: a
// caller that hands back the previous result's room_payload allocates no payload per output
// once the buffer has grown.
ParsedLlmOutput ParseLlmOutput(std::string_view raw, const DynamicSchema& schema,
                               const LlmOutputOptions& options, std::string payload_buffer);

}  // namespace agentsim
