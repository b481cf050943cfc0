#include "mocks/malformed_output.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/agent/llm_output_parser.h"
#include "mocks/response_corpus.h"
#include "mocks/schema_value_generator.h"

namespace agentsim {
namespace {

using nlohmann::json;

const DynamicSchema& Schema() {
  static const DynamicSchema schema = [] {
    Result<DynamicSchema> s = DynamicSchema::Compile(json::parse(R"({
      "schema_id": "m",
      "fields": [
        {"field_name": "system_response", "field_type": "str", "constraints": {"min_length": 1}},
        {"field_name": "voice_instructions", "field_type": "str", "required": false,
         "metadata": {"use_in_tts": true}},
        {"field_name": "score", "field_type": "int", "constraints": {"ge": 0, "le": 100}},
        {"field_name": "confidence", "field_type": "float", "required": false},
        {"field_name": "level", "field_type": "Literal[1, 2, 3]"},
        {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']"},
        {"field_name": "weights", "field_type": "list[float]", "required": false},
        {"field_name": "tags", "field_type": "list[str]", "required": false}
      ]})"));
    if (!s) ADD_FAILURE() << s.error().message;
    return *s;
  }();
  return schema;
}

constexpr std::string_view kObject =
    R"({"system_response":"Hello there, how are you?","score":42,"level":2,)"
    R"("sentiment":"positive","weights":[0.5,1]})";

struct Expected {
  OutputMalformation kind;
  std::string_view name;
  std::string_view strict;
  std::string_view lenient;
};

const std::vector<Expected>& Table() {
  static const std::vector<Expected> table = {
      {OutputMalformation::kFenced, "fenced", reason::kNotJson, reason::kOk},
      {OutputMalformation::kProseWrapped, "prose_wrapped", reason::kNotJson, reason::kOk},
      {OutputMalformation::kTrailingComma, "trailing_comma", reason::kNotJson, reason::kOk},
      {OutputMalformation::kStringEncodedNumbers, "string_encoded_numbers",
       reason::kValidationFailed, reason::kOk},
      {OutputMalformation::kWrongCaseEnum, "wrong_case_enum", reason::kValidationFailed,
       reason::kOk},
      {OutputMalformation::kTruncated, "truncated", reason::kTruncated, reason::kTruncated},
      {OutputMalformation::kRefusal, "refusal", reason::kRefusal, reason::kRefusal},
      {OutputMalformation::kEmpty, "empty", reason::kEmptyOutput, reason::kEmptyOutput},
      {OutputMalformation::kWhitespaceOnly, "whitespace_only", reason::kWhitespaceOnly,
       reason::kWhitespaceOnly},
      {OutputMalformation::kMultipleObjects, "multiple_objects", reason::kMultipleObjects,
       reason::kMultipleObjects},
      {OutputMalformation::kRawNewline, "raw_newline", reason::kNotJson, reason::kOk},
      {OutputMalformation::kInvalidEscape, "invalid_escape", reason::kNotJson, reason::kOk},
  };
  return table;
}

std::string_view ReasonOf(const std::string& raw, CoercionMode mode) {
  LlmOutputOptions options;
  options.mode = mode;
  return ParseLlmOutput(raw, Schema(), options).reason;
}

TEST(MalformedOutputTest, EveryKindHasTheDocumentedOutcome) {
  ASSERT_EQ(Table().size(), static_cast<std::size_t>(kOutputMalformationCount));
  const SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
  for (const Expected& e : Table()) {
    SCOPED_TRACE(e.name);
    EXPECT_EQ(OutputMalformationName(e.kind), e.name);
    Rng rng = Rng(7).Fork(e.name);
    int applied = 0;
    for (int i = 0; i < 200; ++i) {
      // Objects from the mock LLM's generator, so with its strings and numbers.
      const std::string valid = generator.Object(Schema(), 1.0, rng).dump();
      ASSERT_EQ(ReasonOf(valid, CoercionMode::kStrict), reason::kOk) << valid;
      std::optional<std::string> raw = MalformOutput(valid, e.kind, Schema(), rng);
      if (!raw) continue;
      ++applied;
      EXPECT_EQ(ReasonOf(*raw, CoercionMode::kStrict), e.strict) << *raw;
      EXPECT_EQ(ReasonOf(*raw, CoercionMode::kLenient), e.lenient) << *raw;
    }
    EXPECT_GT(applied, 150);
  }
}

TEST(MalformedOutputTest, ProducesExactVariants) {
  struct Case {
    OutputMalformation kind;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {OutputMalformation::kFenced, "```json\n" + std::string(kObject) + "\n```"},
      {OutputMalformation::kStringEncodedNumbers,
       R"({"system_response":"Hello there, how are you?","score":"42","level":"2",)"
       R"("sentiment":"positive","weights":"[0.5,1]"})"},
      {OutputMalformation::kMultipleObjects, std::string(kObject) + "\n" + std::string(kObject)},
      {OutputMalformation::kRawNewline,
       "{\"system_response\":\"Hello\nthere, how are you?\",\"score\":42,\"level\":2,"
       "\"sentiment\":\"positive\",\"weights\":[0.5,1]}"},
      {OutputMalformation::kInvalidEscape,
       R"({"system_response":"Hello there\, how are you?","score":42,"level":2,)"
       R"("sentiment":"positive","weights":[0.5,1]})"},
      {OutputMalformation::kEmpty, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(OutputMalformationName(c.kind));
    Rng rng(1);
    EXPECT_EQ(MalformOutput(kObject, c.kind, Schema(), rng), c.expected);
  }
}

TEST(MalformedOutputTest, RandomChoicesStayWithinTheirOptions) {
  Rng rng(3);
  for (int i = 0; i < 50; ++i) {
    std::string wrapped = *MalformOutput(kObject, OutputMalformation::kProseWrapped, Schema(), rng);
    EXPECT_NE(wrapped.find(kObject), std::string::npos);
    std::string comma = *MalformOutput(kObject, OutputMalformation::kTrailingComma, Schema(), rng);
    EXPECT_TRUE(comma.ends_with(",}") || comma.ends_with(", }") || comma.ends_with(",\n}"));
    std::string cut = *MalformOutput(kObject, OutputMalformation::kTruncated, Schema(), rng);
    EXPECT_GE(cut.size(), 1u);
    EXPECT_LT(cut.size(), kObject.size());
    EXPECT_EQ(std::string(kObject).substr(0, cut.size()), cut);
    std::string blank = *MalformOutput(kObject, OutputMalformation::kWhitespaceOnly, Schema(), rng);
    EXPECT_GE(blank.size(), 1u);
    EXPECT_LE(blank.size(), 64u);
    EXPECT_EQ(blank.find_first_not_of(" \n"), std::string::npos);
    std::string cased = *MalformOutput(kObject, OutputMalformation::kWrongCaseEnum, Schema(), rng);
    EXPECT_TRUE(cased.find(R"("sentiment":"Positive")") != std::string::npos ||
                cased.find(R"("sentiment":"POSITIVE")") != std::string::npos)
        << cased;
  }
}

TEST(MalformedOutputTest, KindsThatDoNotApplyGiveNothing) {
  Rng rng(1);
  const std::string bare = R"({"system_response":"Hi"})";
  EXPECT_EQ(MalformOutput(bare, OutputMalformation::kStringEncodedNumbers, Schema(), rng),
            std::nullopt);
  EXPECT_EQ(MalformOutput(bare, OutputMalformation::kWrongCaseEnum, Schema(), rng),
            std::nullopt);
  EXPECT_EQ(MalformOutput(bare, OutputMalformation::kRawNewline, Schema(), rng), std::nullopt);
  EXPECT_EQ(MalformOutput(bare, OutputMalformation::kInvalidEscape, Schema(), rng),
            std::nullopt);
  EXPECT_EQ(MalformOutput("[1]", OutputMalformation::kFenced, Schema(), rng), std::nullopt);
  EXPECT_EQ(MalformOutput("not json", OutputMalformation::kEmpty, Schema(), rng), std::nullopt);
}

}  // namespace
}  // namespace agentsim
