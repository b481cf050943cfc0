// Every kind of raw output LLMs really emit, in strict and lenient mode, with the exact outcome:
// reason, object, coercions per kind, what TTS gets and the violations.
#include "core/agent/llm_output_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/agent/structured_output.h"

namespace agentsim {
namespace {

using nlohmann::json;
using Counts = std::vector<std::pair<std::string_view, int>>;

constexpr CoercionMode kStrict = CoercionMode::kStrict;
constexpr CoercionMode kLenient = CoercionMode::kLenient;

const DynamicSchema& TestSchema() {
  static const DynamicSchema schema = [] {
    Result<DynamicSchema> s = DynamicSchema::Compile(json::parse(R"({
      "schema_id": "t",
      "fields": [
        {"field_name": "system_response", "field_type": "str",
         "constraints": {"min_length": 1}},
        {"field_name": "voice_instructions", "field_type": "str", "required": false,
         "metadata": {"use_in_tts": true}},
        {"field_name": "internal_note", "field_type": "str", "required": false,
         "metadata": {"hidden": true}},
        {"field_name": "score", "field_type": "int", "required": false,
         "constraints": {"ge": 0, "le": 100}},
        {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']",
         "required": false},
        {"field_name": "level", "field_type": "Literal[1, 2, 3]", "required": false},
        {"field_name": "confidence", "field_type": "float", "required": false},
        {"field_name": "done", "field_type": "bool", "required": false},
        {"field_name": "tags", "field_type": "list[str]", "default": []},
        {"field_name": "weights", "field_type": "list[float]", "required": false},
        {"field_name": "counts", "field_type": "list[int]", "required": false},
        {"field_name": "extra", "field_type": "dict", "required": false}
      ]})"));
    if (!s) ADD_FAILURE() << s.error().message;
    return *s;
  }();
  return schema;
}

ParsedLlmOutput Parse(std::string_view raw, CoercionMode mode) {
  LlmOutputOptions options;
  options.mode = mode;
  return ParseLlmOutput(raw, TestSchema(), options);
}

std::vector<std::string> Violations(const ParsedLlmOutput& p) {
  std::vector<std::string> out;
  for (const Violation& v : p.violations) out.push_back(v.field + "|" + v.reason);
  return out;
}

struct Case {
  std::string raw;
  CoercionMode mode;
  std::string_view reason;
  std::string object;            // expected object as JSON text; "null" when none
  Counts coercions = {};
  std::string tts_text = {};     // structured only
  std::vector<std::string> violations = {};  // "field|reason"
};

// Checks every case; the outcome is structured exactly when the reason is ok.
void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(CoercionModeName(c.mode)) + " raw: " + json(c.raw).dump(
                     -1, ' ', false, json::error_handler_t::replace));
    ParsedLlmOutput p = Parse(c.raw, c.mode);
    EXPECT_EQ(p.reason, c.reason) << p.detail;
    EXPECT_EQ(p.structured(), c.reason == reason::kOk);
    EXPECT_EQ(p.outcome, c.reason == reason::kOk ? TurnOutcome::kStructured : TurnOutcome::kFallback);
    EXPECT_EQ(p.object, json::parse(c.object));
    EXPECT_EQ(p.coercions.NonZero(), c.coercions);
    EXPECT_EQ(Violations(p), c.violations);
    if (p.structured()) {
      EXPECT_EQ(p.spoken.text, c.tts_text);
      EXPECT_EQ(p.room_payload, TestSchema().PublicPayload(p.object).dump());
      EXPECT_FALSE(json::parse(p.room_payload).contains("internal_note"));
    } else {
      EXPECT_EQ(p.room_payload, "");
      EXPECT_EQ(p.spoken.text, "");
      EXPECT_FALSE(p.detail.empty());
    }
  }
}

constexpr std::string_view kHi = R"({"system_response": "Hi"})";
const std::string kHiFields = R"({"system_response": "Hi", "tags": []})";

TEST(LlmOutputParserTest, JsonInsideAFence) {
  const std::string hi(kHi);
  ExpectCases({
      {"```json\n" + hi + "\n```", kLenient, reason::kOk, kHiFields, {{"fenced", 1}}, "Hi"},
      {"```\n" + hi + "\n```", kLenient, reason::kOk, kHiFields, {{"fenced", 1}}, "Hi"},
      {"```JSON " + hi + "```", kLenient, reason::kOk, kHiFields, {{"fenced", 1}}, "Hi"},
      {"```json\r\n" + hi + "\r\n```\r\n", kLenient, reason::kOk, kHiFields, {{"fenced", 1}},
       "Hi"},
      // The stream ended after the object, before the closing fence.
      {"```json\n" + hi, kLenient, reason::kOk, kHiFields, {{"fenced", 1}}, "Hi"},
      {"Here you go:\n```json\n" + hi + "\n```\nAnything else?", kLenient, reason::kOk,
       kHiFields, {{"fenced", 1}, {"prose_stripped", 1}}, "Hi"},
      // A fence inside a string value is content, not the closing fence.
      {"```json\n{\"system_response\": \"Run ```make``` first\"}\n```", kLenient, reason::kOk,
       R"({"system_response": "Run ```make``` first", "tags": []})", {{"fenced", 1}},
       "Run ```make``` first"},
      {"```json\n[1, 2]\n```", kLenient, reason::kNotAnObject, "null"},
      {"```json\n" + hi + "\n```", kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, ProseBeforeAndAfterOneObject) {
  const std::string hi(kHi);
  ExpectCases({
      {"Sure! Here is my answer: " + hi + " Let me know if you need more.", kLenient,
       reason::kOk, kHiFields, {{"prose_stripped", 1}}, "Hi"},
      {"Answer:\n" + hi, kLenient, reason::kOk, kHiFields, {{"prose_stripped", 1}}, "Hi"},
      {hi + "\n\nHope this helps!", kLenient, reason::kOk, kHiFields, {{"prose_stripped", 1}},
       "Hi"},
      // Braces in prose that cannot start an object are prose.
      {"Fill in {name} and { x }: " + hi, kLenient, reason::kOk, kHiFields,
       {{"prose_stripped", 1}}, "Hi"},
      {"  \n" + hi + "\n  ", kLenient, reason::kOk, kHiFields, {}, "Hi"},
      {"Sure! Here is my answer: " + hi + " Let me know if you need more.", kStrict,
       reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, SeveralObjects) {
  const std::string hi(kHi);
  const std::string bye = R"({"system_response": "Bye"})";
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {hi + "\n" + bye, mode, reason::kMultipleObjects, "null"},
        {hi + bye, mode, reason::kMultipleObjects, "null"},
        {hi + " " + R"({"system_response": "By)", mode, reason::kMultipleObjects, "null"},
    });
  }
  ExpectCases({
      {"```json\n" + hi + "\n```\n```json\n" + bye + "\n```", kLenient,
       reason::kMultipleObjects, "null"},
      {"First: " + hi + " then: " + bye, kLenient, reason::kMultipleObjects, "null"},
  });
  EXPECT_EQ(Parse(hi + bye, kLenient).detail, "found 2 JSON objects; expected exactly one");
  EXPECT_EQ(Parse(hi + R"({"a)", kStrict).detail,
            "found 2 JSON objects (the last cut off); expected exactly one");
}

TEST(LlmOutputParserTest, TrailingCommasAreRemovedOutsideStringsOnly) {
  ExpectCases({
      {R"({"system_response": "Hi", "tags": ["a", "b",],})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "tags": ["a", "b"]})", {{"trailing_comma", 2}}, "Hi"},
      {"{\"system_response\": \"Hi\",\n  }", kLenient, reason::kOk, kHiFields,
       {{"trailing_comma", 1}}, "Hi"},
      // A string value containing ", }" or ",]" survives unchanged.
      {R"({"system_response": "keep , } and ,] as is", })", kLenient, reason::kOk,
       R"({"system_response": "keep , } and ,] as is", "tags": []})", {{"trailing_comma", 1}},
       "keep , } and ,] as is"},
      {R"({"system_response": "a, }"})", kLenient, reason::kOk,
       R"({"system_response": "a, }", "tags": []})", {}, "a, }"},
      {R"({"system_response": "a, }"})", kStrict, reason::kOk,
       R"({"system_response": "a, }", "tags": []})", {}, "a, }"},
      {R"({"system_response": "Hi",})", kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, RawLineBreaksAndControlsInStrings) {
  ExpectCases({
      {"{\"system_response\": \"line one\nline two\"}", kLenient, reason::kOk,
       R"({"system_response": "line one\nline two", "tags": []})",
       {{"raw_newline_in_string", 1}}, "line one\nline two"},
      {"{\"system_response\": \"one\r\ntwo\rthree\"}", kLenient, reason::kOk,
       R"({"system_response": "one\r\ntwo\rthree", "tags": []})",
       {{"raw_newline_in_string", 2}}, "one\r\ntwo\rthree"},
      {"{\"system_response\": \"a\tb\x01\"}", kLenient, reason::kOk,
       R"({"system_response": "a\tb\u0001", "tags": []})", {{"raw_control_in_string", 2}},
       "a\tb\x01"},
      // Line breaks between tokens are JSON whitespace.
      {"{\n\"system_response\":\n\"Hi\"\n}", kStrict, reason::kOk, kHiFields, {}, "Hi"},
      {"{\"system_response\": \"line one\nline two\"}", kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, InvalidEscapes) {
  ExpectCases({
      {R"({"system_response": "it\'s fine"})", kLenient, reason::kOk,
       R"({"system_response": "it's fine", "tags": []})", {{"invalid_escape", 1}}, "it's fine"},
      {R"({"system_response": "costs \$5"})", kLenient, reason::kOk,
       R"({"system_response": "costs $5", "tags": []})", {{"invalid_escape", 1}}, "costs $5"},
      {R"({"system_response": "C:\Users\me"})", kLenient, reason::kOk,
       R"({"system_response": "C:\\Users\\me", "tags": []})", {{"invalid_escape", 2}},
       R"(C:\Users\me)"},
      {R"({"system_response": "\x41 and \u12G4"})", kLenient, reason::kOk,
       R"({"system_response": "\\x41 and \\u12G4", "tags": []})", {{"invalid_escape", 2}},
       R"(\x41 and \u12G4)"},
      {R"({"system_response": "it\'s fine"})", kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, UnicodeEscapesAndSurrogatePairsReachTtsDecoded) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {R"({"system_response": "caf\u00e9 \ud83d\ude00", "voice_instructions": "\u0057arm"})",
         mode, reason::kOk,
         "{\"system_response\": \"caf\xC3\xA9 \xF0\x9F\x98\x80\", \"voice_instructions\": "
         "\"Warm\", \"tags\": []}",
         {}, "caf\xC3\xA9 \xF0\x9F\x98\x80"},
    });
  }
  EXPECT_EQ(Parse(R"({"system_response": "Hi", "voice_instructions": "\u0057arm"})", kStrict)
                .spoken.voice_instructions,
            "Warm");
  ExpectCases({
      {R"({"system_response": "\ud83d!"})", kLenient, reason::kOk,
       "{\"system_response\": \"\xEF\xBF\xBD!\", \"tags\": []}", {{"lone_surrogate", 1}},
       "\xEF\xBF\xBD!"},
      {R"({"system_response": "x\ude00"})", kLenient, reason::kOk,
       "{\"system_response\": \"x\xEF\xBF\xBD\", \"tags\": []}", {{"lone_surrogate", 1}},
       "x\xEF\xBF\xBD"},
      {"{\"system_response\": \"bad \xFF byte\"}", kLenient, reason::kOk,
       "{\"system_response\": \"bad \xEF\xBF\xBD byte\", \"tags\": []}", {{"invalid_utf8", 1}},
       "bad \xEF\xBF\xBD byte"},
      {R"({"system_response": "\ud83d!"})", kStrict, reason::kNotJson, "null"},
      {"{\"system_response\": \"bad \xFF byte\"}", kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, EmptyAndWhitespaceOnlyOutput) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {"", mode, reason::kEmptyOutput, "null"},
        {" ", mode, reason::kWhitespaceOnly, "null"},
        {"\n\t\r ", mode, reason::kWhitespaceOnly, "null"},
        {std::string(100'000, ' '), mode, reason::kWhitespaceOnly, "null"},
        {std::string(kMaxLlmOutputBytes, '\n'), mode, reason::kWhitespaceOnly, "null"},
    });
  }
  EXPECT_EQ(Parse("", kLenient).detail, "the output is empty");
  EXPECT_EQ(Parse("\n\t\r ", kLenient).detail, "the output is 4 bytes of whitespace only");
}

TEST(LlmOutputParserTest, OutputCutOffMidStringOrMidObject) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {R"({"system_response": "Hel)", mode, reason::kTruncated, "null"},
        {R"({"system_response": "Hello", "score": 5)", mode, reason::kTruncated, "null"},
        {R"({"system_response": "Hello", "tags": ["a", )", mode, reason::kTruncated, "null"},
        {R"({"system_response": "a\)", mode, reason::kTruncated, "null"},
        {"{\"system_response\": \"caf\xC3", mode, reason::kTruncated, "null"},
        {R"({")", mode, reason::kTruncated, "null"},
        {"{", mode, reason::kTruncated, "null"},
        {R"(Sure: {"system_response": "Hi")", mode, reason::kTruncated, "null"},
    });
  }
  ExpectCases({{"```json\n{\"system_response\": \"Hi", kLenient, reason::kTruncated, "null"}});
  EXPECT_EQ(Parse(R"(Sure: {"system_response": "Hi")", kLenient).detail,
            "the output ends inside the JSON object that starts at byte 6");
  EXPECT_EQ(Parse("```json\n{\"system_response\": \"Hi", kLenient).detail,
            "the output ends inside the JSON object that starts at byte 8");
}

TEST(LlmOutputParserTest, RefusalOrApologyWithNoJson) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {"I'm sorry, but I can't help with that request.", mode, reason::kRefusal, "null"},
        {"I apologize, but I cannot provide that information.", mode, reason::kRefusal, "null"},
        {"As an AI language model, I do not have opinions.", mode, reason::kRefusal, "null"},
        {"I\xE2\x80\x99m unable to answer in that format.", mode, reason::kRefusal, "null"},
        {"Hello! How can I help you today?", mode, reason::kNotJson, "null"},
    });
  }
  // An apology around a JSON object is prose around it.
  const std::string hi(kHi);
  ExpectCases({
      {"I'm sorry for the wait! " + hi, kLenient, reason::kOk, kHiFields,
       {{"prose_stripped", 1}}, "Hi"},
      {"I'm sorry for the wait! " + hi, kStrict, reason::kNotJson, "null"},
  });
}

TEST(LlmOutputParserTest, ValuesEncodedAsJsonStrings) {
  ExpectCases({
      {R"({"system_response": "Hi", "score": "5"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "score": 5, "tags": []})", {{"string_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "score": " 7 "})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "score": 7, "tags": []})", {{"string_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "score": "5.0"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "score": 5, "tags": []})", {{"string_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "score": 5.0})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "score": 5, "tags": []})", {{"float_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "score": "5.5"})", kLenient, reason::kValidationFailed,
       R"({"system_response": "Hi", "score": "5.5"})", {}, "", {"score|wrong_type"}},
      {R"({"system_response": "Hi", "score": "five"})", kLenient, reason::kValidationFailed,
       R"({"system_response": "Hi", "score": "five"})", {}, "", {"score|wrong_type"}},
      // Coerced, then checked against the constraints.
      {R"({"system_response": "Hi", "score": "500"})", kLenient, reason::kValidationFailed,
       R"({"system_response": "Hi", "score": 500})", {{"string_to_int", 1}}, "",
       {"score|greater_than_le"}},
      {R"({"system_response": "Hi", "tags": "[\"a\", \"b\"]"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "tags": ["a", "b"]})", {{"string_to_list", 1}}, "Hi"},
      {R"({"system_response": "Hi", "counts": "[1, \"2\", 3.0]"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "counts": [1, 2, 3], "tags": []})",
       {{"string_to_int", 1}, {"string_to_list", 1}, {"float_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "weights": ["0.5", 1]})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "weights": [0.5, 1], "tags": []})",
       {{"string_to_float", 1}}, "Hi"},
      {R"({"system_response": "Hi", "extra": "{\"k\": 1}"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "extra": {"k": 1}, "tags": []})", {{"string_to_dict", 1}},
       "Hi"},
      {R"({"system_response": "Hi", "extra": "not a dict"})", kLenient,
       reason::kValidationFailed, R"({"system_response": "Hi", "extra": "not a dict"})", {}, "",
       {"extra|wrong_type"}},
      {R"({"system_response": "Hi", "confidence": "0.75", "done": "True"})", kLenient,
       reason::kOk, R"({"system_response": "Hi", "confidence": 0.75, "done": true, "tags": []})",
       {{"string_to_float", 1}, {"string_to_bool", 1}}, "Hi"},
      {R"({"system_response": "Hi", "score": "5", "tags": "[\"a\"]", "extra": "{}"})", kStrict,
       reason::kValidationFailed,
       R"({"system_response": "Hi", "score": "5", "tags": "[\"a\"]", "extra": "{}"})", {}, "",
       {"score|wrong_type", "tags|wrong_type", "extra|wrong_type"}},
  });
}

TEST(LlmOutputParserTest, EnumInTheWrongCase) {
  ExpectCases({
      {R"({"system_response": "Hi", "sentiment": "Positive"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "sentiment": "positive", "tags": []})", {{"enum_case", 1}},
       "Hi"},
      {R"({"system_response": "Hi", "sentiment": "NEGATIVE"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "sentiment": "negative", "tags": []})", {{"enum_case", 1}},
       "Hi"},
      {R"({"system_response": "Hi", "sentiment": "happy"})", kLenient,
       reason::kValidationFailed, R"({"system_response": "Hi", "sentiment": "happy"})", {}, "",
       {"sentiment|not_in_literal"}},
      {R"({"system_response": "Hi", "sentiment": "Positive"})", kStrict,
       reason::kValidationFailed, R"({"system_response": "Hi", "sentiment": "Positive"})", {},
       "", {"sentiment|not_in_literal"}},
  });
}

TEST(LlmOutputParserTest, ObjectWhereAStringIsRequired) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {R"({"system_response": {"text": "Hi"}})", mode, reason::kValidationFailed,
         R"({"system_response": {"text": "Hi"}})", {}, "", {"system_response|wrong_type"}},
        {R"({"system_response": 42})", mode, reason::kValidationFailed,
         R"({"system_response": 42})", {}, "", {"system_response|wrong_type"}},
        {R"({"system_response": ["Hi"]})", mode, reason::kValidationFailed,
         R"({"system_response": ["Hi"]})", {}, "", {"system_response|wrong_type"}},
    });
  }
}

TEST(LlmOutputParserTest, NumberWhereALiteralOfIntsIsExpectedAndItsStringForm) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {R"({"system_response": "Hi", "level": 2})", mode, reason::kOk,
         R"({"system_response": "Hi", "level": 2, "tags": []})", {}, "Hi"},
        {R"({"system_response": "Hi", "level": 5})", mode, reason::kValidationFailed,
         R"({"system_response": "Hi", "level": 5})", {}, "", {"level|not_in_literal"}},
    });
  }
  ExpectCases({
      {R"({"system_response": "Hi", "level": "2"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "level": 2, "tags": []})", {{"int_literal_from_string", 1}},
       "Hi"},
      {R"({"system_response": "Hi", "level": "2.0"})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "level": 2, "tags": []})", {{"int_literal_from_string", 1}},
       "Hi"},
      {R"({"system_response": "Hi", "level": 2.0})", kLenient, reason::kOk,
       R"({"system_response": "Hi", "level": 2, "tags": []})", {{"float_to_int", 1}}, "Hi"},
      {R"({"system_response": "Hi", "level": "7"})", kLenient, reason::kValidationFailed,
       R"({"system_response": "Hi", "level": "7"})", {}, "", {"level|not_in_literal"}},
      {R"({"system_response": "Hi", "level": "2"})", kStrict, reason::kValidationFailed,
       R"({"system_response": "Hi", "level": "2"})", {}, "", {"level|not_in_literal"}},
      {R"({"system_response": "Hi", "level": 2.0})", kStrict, reason::kValidationFailed,
       R"({"system_response": "Hi", "level": 2.0})", {}, "", {"level|not_in_literal"}},
  });
}

TEST(LlmOutputParserTest, NullOptionalFieldsAndUnknownFields) {
  ExpectCases({
      {R"({"system_response": "Hi", "voice_instructions": null})", kLenient, reason::kOk,
       kHiFields, {{"null_optional_dropped", 1}}, "Hi"},
      // The field's default applies once the null is dropped.
      {R"({"system_response": "Hi", "tags": null})", kLenient, reason::kOk, kHiFields,
       {{"null_optional_dropped", 1}}, "Hi"},
      {R"({"system_response": null})", kLenient, reason::kValidationFailed,
       R"({"system_response": null})", {}, "", {"system_response|wrong_type"}},
      {R"({"system_response": "Hi", "mood": "x", "aside": 1})", kLenient, reason::kOk,
       kHiFields, {{"unknown_field_dropped", 2}}, "Hi"},
      {R"({"system_response": "Hi", "voice_instructions": null})", kStrict,
       reason::kValidationFailed, R"({"system_response": "Hi", "voice_instructions": null})",
       {}, "", {"voice_instructions|wrong_type"}},
      {R"({"system_response": "Hi", "mood": "x"})", kStrict, reason::kValidationFailed,
       R"({"system_response": "Hi", "mood": "x"})", {}, "", {"mood|unknown_field"}},
  });
}

TEST(LlmOutputParserTest, JsonThatIsNotAnObject) {
  for (CoercionMode mode : {kStrict, kLenient}) {
    ExpectCases({
        {"[1, 2]", mode, reason::kNotAnObject, "null"},
        {"\"hello\"", mode, reason::kNotAnObject, "null"},
        {"42", mode, reason::kNotAnObject, "null"},
        {"null", mode, reason::kNotAnObject, "null"},
        {R"([{"system_response": "Hi"}])", mode, reason::kNotAnObject, "null"},
    });
  }
  ExpectCases({
      {R"("{\"system_response\": \"Hi\"}")", kLenient, reason::kOk, kHiFields,
       {{"double_encoded", 1}}, "Hi"},
      {R"("{\"system_response\": \"Hi\"}")", kStrict, reason::kNotAnObject, "null"},
  });
  EXPECT_EQ(Parse("[1, 2]", kStrict).detail, "expected a JSON object, got an array");
}

TEST(LlmOutputParserTest, NotJsonSaysWhatTheParserExpected) {
  ParsedLlmOutput strict = Parse("Hello there", kStrict);
  EXPECT_EQ(strict.reason, reason::kNotJson);
  EXPECT_EQ(strict.detail,
            "parse error at line 1, column 1: syntax error while parsing value - invalid "
            "literal; last read: 'H'");
  ParsedLlmOutput lenient = Parse(R"(Result: {"system_response" "Hi"})", kLenient);
  EXPECT_EQ(lenient.reason, reason::kNotJson);
  EXPECT_EQ(lenient.detail,
            "the object at byte 8: parse error at line 1, column 23: syntax error while parsing "
            "object separator - unexpected string literal; expected ':'");
}

TEST(LlmOutputParserTest, SizesAreBounded) {
  LlmOutputOptions options;
  options.max_bytes = 30;
  const std::string fits = R"({"system_response": "Hi"})";  // 25 bytes
  for (CoercionMode mode : {kStrict, kLenient}) {
    options.mode = mode;
    EXPECT_EQ(ParseLlmOutput(fits, TestSchema(), options).reason, reason::kOk);
    EXPECT_EQ(ParseLlmOutput(fits + "     ", TestSchema(), options).reason, reason::kOk);
    ParsedLlmOutput large = ParseLlmOutput(fits + "      ", TestSchema(), options);
    EXPECT_EQ(large.reason, reason::kTooLarge);
    EXPECT_EQ(large.detail, "the output has more than 30 bytes (the limit); it was not read");
    ParsedLlmOutput blank = ParseLlmOutput(std::string(31, ' '), TestSchema(), options);
    EXPECT_EQ(blank.reason, reason::kTooLarge);
  }
  EXPECT_EQ(Parse(std::string(kMaxLlmOutputBytes + 1, ' '), kLenient).reason, reason::kTooLarge);

  auto nested = [](int arrays) {
    return R"({"system_response": "Hi", "extra": {"a": )" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}}";
  };
  for (CoercionMode mode : {kStrict, kLenient}) {
    SCOPED_TRACE(CoercionModeName(mode));
    // Object, dict and 62 arrays: 64 levels.
    EXPECT_EQ(Parse(nested(62), mode).reason, reason::kOk);
    ParsedLlmOutput deep = Parse(nested(63), mode);
    EXPECT_EQ(deep.reason, reason::kTooDeep);
    EXPECT_EQ(deep.detail, "nesting deeper than 64 levels");
    EXPECT_EQ(Parse("Result: " + nested(63), mode).reason, reason::kTooDeep);
    EXPECT_EQ(Parse(std::string(100'000, '['), mode).reason, reason::kTooDeep);
  }
  // A string read as a dict becomes one level deeper than it is: at most 63 levels inside.
  auto embedded = [](int arrays) {
    return R"({"system_response": "Hi", "extra": "{\"a\": )" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}\"}";
  };
  EXPECT_EQ(Parse(embedded(62), kLenient).reason, reason::kOk);
  ParsedLlmOutput p = Parse(embedded(63), kLenient);
  EXPECT_EQ(p.reason, reason::kValidationFailed);
  EXPECT_EQ(Violations(p), std::vector<std::string>{"extra|wrong_type"});
}

TEST(LlmOutputParserTest, TtsAndRoomGetTheirParts) {
  ParsedLlmOutput p = Parse(
      "```json\n{\"system_response\": \"Tell me more.\", \"voice_instructions\": \"Warmly\", "
      "\"internal_note\": \"vague\", \"score\": \"40\", \"sentiment\": \"Neutral\"}\n```",
      kLenient);
  ASSERT_EQ(p.reason, reason::kOk) << p.detail;
  EXPECT_EQ(p.spoken.text, "Tell me more.");
  EXPECT_EQ(p.spoken.voice_instructions, "Warmly");
  EXPECT_EQ(p.room_payload,
            R"({"score":40,"sentiment":"neutral","system_response":"Tell me more.","tags":[],)"
            R"("voice_instructions":"Warmly"})");
  EXPECT_EQ(p.room_fields, 5);
  EXPECT_EQ(p.object["internal_note"], "vague");
  EXPECT_EQ(p.defaults_applied, std::vector<std::string>{"tags"});
  EXPECT_EQ(p.coercions.Total(), 3);
  EXPECT_EQ(p.detail, "");

  LlmOutputOptions options;
  options.text_field = "voice_instructions";
  ParsedLlmOutput other = ParseLlmOutput(
      R"({"system_response": "a", "voice_instructions": "b"})", TestSchema(), options);
  EXPECT_EQ(other.spoken.text, "b");
  EXPECT_EQ(other.spoken.voice_instructions, "");
}

TEST(LlmOutputParserTest, ParseStructuredOutputIsStrictMode) {
  StructuredOutput ok = ParseStructuredOutput(kHi, TestSchema());
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.reason, reason::kOk);
  EXPECT_EQ(ok.object, json::parse(kHiFields));
  StructuredOutput fenced = ParseStructuredOutput("```json\n" + std::string(kHi) + "\n```",
                                                  TestSchema());
  EXPECT_FALSE(fenced.ok);
  EXPECT_EQ(fenced.reason, reason::kNotJson);
  StructuredOutput invalid = ParseStructuredOutput(R"({"system_response": ""})", TestSchema());
  EXPECT_FALSE(invalid.ok);
  EXPECT_EQ(invalid.reason, reason::kValidationFailed);
  ASSERT_EQ(invalid.violations.size(), 1u);
  EXPECT_EQ(invalid.violations[0].reason, "too_short");
}

}  // namespace
}  // namespace agentsim
