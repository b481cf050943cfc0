// Deterministic fuzz-style tests of ParseLlmOutput: random bytes, JSON-flavoured byte soup and
// mutations of valid outputs, from a seeded Rng, in both modes. Whatever the bytes, the parser
// returns (never throws, never crashes) and its result keeps its invariants.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/agent/llm_output_parser.h"
#include "core/json/json_document.h"
#include "core/rng/rng.h"

namespace agentsim {
namespace {

using nlohmann::json;

const DynamicSchema& FuzzSchema() {
  static const DynamicSchema schema = [] {
    Result<DynamicSchema> s = DynamicSchema::Compile(json::parse(R"({
      "schema_id": "fuzz",
      "fields": [
        {"field_name": "system_response", "field_type": "str"},
        {"field_name": "voice_instructions", "field_type": "str", "required": false,
         "metadata": {"use_in_tts": true}},
        {"field_name": "secret", "field_type": "str", "required": false,
         "metadata": {"hidden": true}},
        {"field_name": "n", "field_type": "int", "required": false},
        {"field_name": "mood", "field_type": "Literal['up', 'down']", "required": false},
        {"field_name": "level", "field_type": "Literal[1, 2]", "required": false},
        {"field_name": "xs", "field_type": "list[float]", "required": false, "default": []},
        {"field_name": "d", "field_type": "dict", "required": false}
      ]})"));
    if (!s) ADD_FAILURE() << s.error().message;
    return *s;
  }();
  return schema;
}

constexpr std::string_view kValid =
    R"({"system_response": "Hi, it's me.", "voice_instructions": "calm", "secret": "s",)"
    R"( "n": 3, "mood": "up", "level": 2, "xs": [0.5, 1], "d": {"k": [1, {"z": null}]}})";

// Bytes JSON and LLM output are made of, with a few troublemakers.
constexpr std::array<std::string_view, 24> kTokens = {
    "{", "}", "[", "]", "\"", "\\", ",", ":", " ", "\n", "```json\n", "```", "\\u", "d83d",
    "\\ude00", "\"system_response\"", "\"n\"", "\"5\"", "true", "null", "-1.5e3", "\xFF",
    "\xE2\x80\x99", "I'm sorry"};

void CheckInvariants(std::string_view raw, CoercionMode mode) {
  LlmOutputOptions options;
  options.mode = mode;
  options.max_bytes = 4096;
  options.max_depth = 16;
  ParsedLlmOutput p = ParseLlmOutput(raw, FuzzSchema(), options);
  EXPECT_EQ(p.structured(), p.reason == reason::kOk);
  EXPECT_NE(p.outcome, TurnOutcome::kError);
  if (p.structured()) {
    EXPECT_TRUE(p.violations.empty());
    EXPECT_TRUE(p.object.is_object());
    EXPECT_TRUE(FuzzSchema().Validate(p.object).empty());
    // The room's text is the public part of the object, as dump() writes it.
    EXPECT_EQ(p.room_payload, FuzzSchema().PublicPayload(p.object).dump());
    EXPECT_EQ(p.room_fields, static_cast<int>(FuzzSchema().PublicPayload(p.object).size()));
    EXPECT_FALSE(json::parse(p.room_payload).contains("secret"));
    EXPECT_TRUE(p.detail.empty());
    EXPECT_NO_THROW((void)json(p.spoken.text).dump());
  } else {
    EXPECT_EQ(p.room_payload, "");
    EXPECT_EQ(p.room_fields, 0);
    EXPECT_FALSE(p.detail.empty());
    EXPECT_EQ(EscapeForMessage(p.detail), p.detail);  // printable as it is
  }
  EXPECT_EQ(p.violations.empty(), p.reason != reason::kValidationFailed);
  if (mode == CoercionMode::kStrict) {
    EXPECT_EQ(p.coercions.Total(), 0);
  }
  // Deterministic.
  ParsedLlmOutput again = ParseLlmOutput(raw, FuzzSchema(), options);
  EXPECT_EQ(again.reason, p.reason);
  EXPECT_EQ(again.object, p.object);
  EXPECT_EQ(again.coercions, p.coercions);
}

void CheckBothModes(std::string_view raw) {
  SCOPED_TRACE(EscapeForMessage(raw));
  CheckInvariants(raw, CoercionMode::kStrict);
  CheckInvariants(raw, CoercionMode::kLenient);
}

TEST(LlmOutputParserFuzzTest, RandomBytes) {
  Rng rng = Rng(20240611).Fork("random_bytes");
  for (int i = 0; i < 2000; ++i) {
    std::string raw(static_cast<std::size_t>(rng.UniformInt(0, 200)), '\0');
    for (char& c : raw) c = static_cast<char>(rng.UniformInt(0, 255));
    CheckBothModes(raw);
    if (HasFailure()) return;
  }
}

TEST(LlmOutputParserFuzzTest, JsonFlavouredSoup) {
  Rng rng = Rng(20240611).Fork("soup");
  for (int i = 0; i < 3000; ++i) {
    std::string raw;
    const std::int64_t n = rng.UniformInt(0, 40);
    for (std::int64_t k = 0; k < n; ++k) raw += kTokens[rng.Index(kTokens.size())];
    CheckBothModes(raw);
    if (HasFailure()) return;
  }
}

TEST(LlmOutputParserFuzzTest, MutatedValidOutputs) {
  Rng rng = Rng(20240611).Fork("mutations");
  int structured = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string raw(kValid);
    const std::int64_t edits = rng.UniformInt(1, 4);
    for (std::int64_t k = 0; k < edits; ++k) {
      const std::size_t at = rng.Index(raw.size() + 1);
      switch (rng.UniformInt(0, 3)) {
        case 0:  // insert a token
          raw.insert(at, kTokens[rng.Index(kTokens.size())]);
          break;
        case 1:  // delete a byte
          if (at < raw.size()) raw.erase(at, 1);
          break;
        case 2:  // replace a byte
          if (at < raw.size()) raw[at] = static_cast<char>(rng.UniformInt(0, 255));
          break;
        default:  // cut
          raw.resize(at);
          break;
      }
    }
    CheckBothModes(raw);
    if (HasFailure()) return;
    LlmOutputOptions lenient;
    lenient.mode = CoercionMode::kLenient;
    if (ParseLlmOutput(raw, FuzzSchema(), lenient).structured()) ++structured;
  }
  // Some mutations are harmless or repaired: the happy path is exercised too.
  EXPECT_GT(structured, 100);
}

TEST(LlmOutputParserFuzzTest, BoundsHold) {
  CheckBothModes(std::string(4097, '{'));
  CheckBothModes(std::string(4096, '['));
  CheckBothModes(std::string(4096, '"'));
  CheckBothModes(std::string(4096, '\\'));
  CheckBothModes("{\"d\": " + std::string(2000, '[') + std::string(2000, ']') + "}");
  CheckBothModes("{\"system_response\": \"x\", \"d\": \"" + std::string(100, '{') + "\"}");
  std::string valid(kValid);
  CheckBothModes(valid);
  LlmOutputOptions options;
  options.mode = CoercionMode::kLenient;
  EXPECT_EQ(ParseLlmOutput(valid, FuzzSchema(), options).reason, reason::kOk);
}

}  // namespace
}  // namespace agentsim
