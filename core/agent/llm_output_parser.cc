#include "core/agent/llm_output_parser.h"

#include <optional>
#include <utility>

#include "core/agent/fast_structured_output.h"
#include "core/agent/json_fast_parse.h"
#include "core/agent/json_repair.h"
#include "core/agent/value_coercion.h"
#include "core/json/json_document.h"

namespace agentsim {
namespace {

using nlohmann::json;

// One attempt to parse a text as JSON.
struct JsonAttempt {
  bool ok = false;
  bool too_deep = false;
  json value;
  std::string error;  // the parser's message (printable), when not ok
};

// nlohmann's message without its "[json.exception.parse_error.101] " prefix, made printable.
std::string ParserMessage(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    const std::size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return EscapeForMessage(Utf8Prefix(what, 300));
}

// A SAX handler that accepts every value and keeps the message of the parse error that
// json::parse would throw (the parser hands the same exception object to parse_error).
class ErrorMessageSax : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    message = ex.what();
    return false;
  }

  std::string message;
};

// nlohmann, after the depth check: for what the fast path declines, and for every error (its
// message is the one reported). Errors are not thrown (a throw cost ~75,000 instructions): a
// failed parse is read again by ErrorMessageSax for the message json::parse would throw.
JsonAttempt SlowParse(std::string_view text, int max_depth) {
  JsonAttempt attempt;
  if (JsonNestingDepth(text, max_depth) > max_depth) {
    attempt.too_deep = true;
    attempt.error = "nesting deeper than " + std::to_string(max_depth) + " levels";
    return attempt;
  }
  attempt.value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!attempt.value.is_discarded()) {
    attempt.ok = true;
    return attempt;
  }
  attempt.value = json();
  ErrorMessageSax sax;
  json::sax_parse(text, &sax);
  attempt.error = ParserMessage(sax.message);
  return attempt;
}

JsonAttempt TryParse(std::string_view text, int max_depth) {
  // simdjson where it vouches for the same value within the depth limit
  // (core/agent/json_fast_parse.h); nlohmann for the rest.
  if (std::optional<json> fast = FastParseJson(text, max_depth)) {
    JsonAttempt attempt;
    attempt.value = std::move(*fast);
    attempt.ok = true;
    return attempt;
  }
  return SlowParse(text, max_depth);
}

std::string Plural(std::size_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

ParsedLlmOutput Fail(ParsedLlmOutput out, std::string_view reason, std::string detail) {
  out.outcome = TurnOutcome::kFallback;
  out.reason = reason;
  out.detail = std::move(detail);
  return out;
}

// Coerces (lenient), validates and, when valid, completes `object` for TTS and the room.
ParsedLlmOutput Finish(ParsedLlmOutput out, json object, const DynamicSchema& schema,
                       const LlmOutputOptions& options) {
  if (options.mode == CoercionMode::kLenient) {
    CoerceToSchema(object, schema, options.max_depth, out.coercions);
  }
  out.violations = schema.Validate(object);
  if (!out.violations.empty()) {
    out.object = std::move(object);
    std::string detail = Plural(out.violations.size(), "schema violation");
    return Fail(std::move(out), reason::kValidationFailed, std::move(detail));
  }
  // WithDefaults copies the object: call it only when a default applies, else move.
  bool needs_defaults = false;
  for (const SchemaField& field : schema.fields()) {
    if (!field.required && field.default_value && !object.contains(field.name)) {
      needs_defaults = true;
      break;
    }
  }
  out.object = needs_defaults ? schema.WithDefaults(object, &out.defaults_applied)
                              : std::move(object);
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.detail.clear();
  out.spoken = ExtractSpokenOutput(out.object, schema, options.text_field);
  out.room_payload = schema.PublicPayloadText(out.object, &out.room_fields);
  if (!options.keep_object) out.object = json();
  return out;
}

ParsedLlmOutput NotAnObject(ParsedLlmOutput out, const json& value) {
  return Fail(std::move(out), reason::kNotAnObject,
              "expected a JSON object, got " + DescribeJson(value));
}

std::string MultipleObjects(std::size_t complete, bool cut_off) {
  return "found " + std::to_string(complete + (cut_off ? 1 : 0)) + " JSON objects" +
         (cut_off ? " (the last cut off)" : "") + "; expected exactly one";
}

std::string Truncated(std::size_t at) {
  return "the output ends inside the JSON object that starts at byte " + std::to_string(at);
}

// Why `raw`, which is not one JSON value, is not a structured output (strict mode).
ParsedLlmOutput ClassifyStrict(ParsedLlmOutput out, std::string_view raw, std::string error,
                               int max_depth) {
  const ObjectScan scan = ScanObjectCandidates(raw);
  std::size_t objects = 0;
  for (const TextSpan& span : scan.objects) {
    JsonAttempt a = TryParse(raw.substr(span.begin, span.end - span.begin), max_depth);
    if (a.ok && a.value.is_object()) ++objects;
  }
  if (objects >= 2 || (objects == 1 && scan.unterminated)) {
    return Fail(std::move(out), reason::kMultipleObjects,
                MultipleObjects(objects, scan.unterminated));
  }
  if (objects == 0 && scan.unterminated) {
    return Fail(std::move(out), reason::kTruncated, Truncated(scan.unterminated_at));
  }
  if (scan.objects.empty() && LooksLikeRefusal(raw)) {
    return Fail(std::move(out), reason::kRefusal, "a refusal or apology with no JSON object");
  }
  return Fail(std::move(out), reason::kNotJson, std::move(error));
}

// A candidate object of lenient mode that parsed.
struct Candidate {
  TextSpan span;
  json value;
  CoercionCounts repairs;
};

// Looks for the one JSON object in `raw`, which is not one JSON value (lenient mode).
// `whole_too_deep`: the whole output, read as one value, nests too deep.
ParsedLlmOutput ParseLenient(ParsedLlmOutput out, std::string_view raw, std::string error,
                             bool whole_too_deep, const DynamicSchema& schema,
                             const LlmOutputOptions& options) {
  const FenceOpening fence = FindFenceOpening(raw);
  const std::string_view region = raw.substr(fence.content_begin);
  const bool blank_before_fence = !fence.fenced || IsBlank(raw.substr(0, fence.fence_at));
  const ObjectScan scan = ScanObjectCandidates(region);
  std::vector<Candidate> found;
  bool too_deep = false;
  for (const TextSpan& span : scan.objects) {
    Candidate c{span, json(), {}};
    const std::string repaired =
        RepairJsonSyntax(region.substr(span.begin, span.end - span.begin), c.repairs);
    JsonAttempt a = TryParse(repaired, options.max_depth);
    too_deep = too_deep || a.too_deep;
    if (a.ok && a.value.is_object()) {
      c.value = std::move(a.value);
      found.push_back(std::move(c));
    } else if (!a.ok) {
      error = "the object at byte " + std::to_string(fence.content_begin + span.begin) + ": " +
              a.error;
    }
  }
  if (found.size() >= 2 || (found.size() == 1 && scan.unterminated)) {
    return Fail(std::move(out), reason::kMultipleObjects,
                MultipleObjects(found.size(), scan.unterminated));
  }
  if (found.size() == 1) {
    Candidate& c = found.front();
    out.coercions.Merge(c.repairs);
    if (fence.fenced) out.coercions.Add(CoercionKind::kFenced);
    const bool blank_around =
        blank_before_fence && IsBlank(region.substr(0, c.span.begin)) &&
        OnlyBlankOrClosingFence(region.substr(c.span.end), fence.fenced);
    if (!blank_around) out.coercions.Add(CoercionKind::kProseStripped);
    return Finish(std::move(out), std::move(c.value), schema, options);
  }
  if (scan.unterminated) {
    return Fail(std::move(out), reason::kTruncated,
                Truncated(fence.content_begin + scan.unterminated_at));
  }
  if (too_deep || (whole_too_deep && !fence.fenced)) {
    return Fail(std::move(out), reason::kTooDeep,
                "nesting deeper than " + std::to_string(options.max_depth) + " levels");
  }
  if (!scan.objects.empty()) return Fail(std::move(out), reason::kNotJson, std::move(error));
  // No object anywhere: a fenced non-object value ("```json\n[1, 2]\n```") is still JSON.
  if (fence.fenced) {
    std::string_view inner = region;
    if (const std::size_t close = inner.rfind("```"); close != std::string_view::npos) {
      inner = inner.substr(0, close);
    }
    CoercionCounts ignored;
    JsonAttempt a = TryParse(RepairJsonSyntax(inner, ignored), options.max_depth);
    if (a.too_deep) {
      return Fail(std::move(out), reason::kTooDeep,
                  "nesting deeper than " + std::to_string(options.max_depth) + " levels");
    }
    if (a.ok) return NotAnObject(std::move(out), a.value);
  }
  if (LooksLikeRefusal(raw)) {
    return Fail(std::move(out), reason::kRefusal, "a refusal or apology with no JSON object");
  }
  return Fail(std::move(out), reason::kNotJson, std::move(error));
}

// ParseLlmOutput but for the direct read's result: `read` is what FastReadStructured answered
// (anything but kDone) when `raw` passed the checks of size and blanks, with `whole.value`.
ParsedLlmOutput ParseGeneral(ParsedLlmOutput out, std::string_view raw,
                             const DynamicSchema& schema, const LlmOutputOptions& options,
                             FastRead read, JsonAttempt whole) {
  if (raw.empty()) return Fail(std::move(out), reason::kEmptyOutput, "the output is empty");
  if (raw.size() > options.max_bytes) {
    return Fail(std::move(out), reason::kTooLarge,
                "the output has more than " + Plural(options.max_bytes, "byte") +
                    " (the limit); it was not read");
  }
  if (IsBlank(raw)) {
    return Fail(std::move(out), reason::kWhitespaceOnly,
                "the output is " + Plural(raw.size(), "byte") + " of whitespace only");
  }
  const bool lenient = options.mode == CoercionMode::kLenient;
  switch (read) {
    case FastRead::kDone:
      return out;
    case FastRead::kParsed:
      whole.ok = true;
      break;
    case FastRead::kDeclined:
      whole = SlowParse(raw, options.max_depth);
      break;
  }
  if (whole.ok) {
    if (whole.value.is_object()) return Finish(std::move(out), std::move(whole.value), schema, options);
    if (lenient && whole.value.is_string()) {
      JsonAttempt inner = TryParse(whole.value.get_ref<const std::string&>(), options.max_depth);
      if (inner.ok && inner.value.is_object()) {
        out.coercions.Add(CoercionKind::kDoubleEncoded);
        return Finish(std::move(out), std::move(inner.value), schema, options);
      }
    }
    return NotAnObject(std::move(out), whole.value);
  }
  if (whole.too_deep && !lenient) {
    return Fail(std::move(out), reason::kTooDeep, std::move(whole.error));
  }
  if (!lenient) return ClassifyStrict(std::move(out), raw, std::move(whole.error), options.max_depth);
  return ParseLenient(std::move(out), raw, std::move(whole.error), whole.too_deep, schema,
                      options);
}

}  // namespace

ParsedLlmOutput ParseLlmOutput(std::string_view raw, const DynamicSchema& schema,
                               const LlmOutputOptions& options, std::string payload_buffer) {
  // The common case (one valid object, strict mode) is read straight from the text or from
  // simdjson's DOM into `out`, returned in place (one return of one object: no move).
  ParsedLlmOutput out;
  payload_buffer.clear();
  out.room_payload = std::move(payload_buffer);  // empty, with its capacity (ReadValidText)
  JsonAttempt whole;
  FastRead read = FastRead::kDeclined;
  if (!raw.empty() && raw.size() <= options.max_bytes && !IsBlank(raw)) {
    read = FastReadStructured(raw, schema, options, out, whole.value);
  }
  if (read != FastRead::kDone) {
    out = ParseGeneral(std::move(out), raw, schema, options, read, std::move(whole));
  }
  return out;
}

ParsedLlmOutput ParseLlmOutput(std::string_view raw, const DynamicSchema& schema,
                               const LlmOutputOptions& options) {
  return ParseLlmOutput(raw, schema, options, std::string());
}

}  // namespace agentsim
