#include "sim/interview_corpus.h"

#include <cstddef>
#include <fstream>
#include <iterator>
#include <set>
#include <ostream>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace agentsim {
namespace {

using ::testing::ElementsAre;

const std::string kCorpusDir = std::string(AGENTSIM_SOURCE_DIR) + "/scenarios/corpus";

std::string ReadShipped(const std::string& name) {
  std::ifstream in(kCorpusDir + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(InterviewCorpusTest, ShippedCorpusHasFourStagesOfAtLeastTwentyUtterances) {
  Result<InterviewCorpus> corpus =
      ParseInterviewCorpus("interview_user_turns.json", ReadShipped("interview_user_turns.json"));
  ASSERT_TRUE(corpus) << corpus.error().ToString();
  EXPECT_THAT(corpus->stage_names,
              ElementsAre("introduction", "experience", "technical", "closing"));
  ASSERT_EQ(corpus->utterances_by_stage.size(), 4u);
  bool has_non_ascii = false;
  for (const auto& utterances : corpus->utterances_by_stage) {
    EXPECT_GE(utterances.size(), 20u);
    EXPECT_EQ(std::set<std::string>(utterances.begin(), utterances.end()).size(),
              utterances.size());
    for (const std::string& u : utterances) {
      for (char c : u) has_non_ascii |= static_cast<unsigned char>(c) >= 0x80;
    }
  }
  EXPECT_TRUE(has_non_ascii);
  EXPECT_EQ(corpus->utterances_by_stage[0][1], "Good morning! I'm excited to be here.");
  EXPECT_EQ(corpus->utterances_by_stage[1][13],
            "I rewrote a naïve nested-loop join in our reporting job as a hash join, and a "
            "nightly run that took three hours now finishes in eleven minutes.");
}

TEST(InterviewCorpusTest, ShippedAgentResponsesHaveTheThreeLists) {
  const nlohmann::json responses =
      nlohmann::json::parse(ReadShipped("interview_agent_responses.json"));
  ASSERT_TRUE(responses.is_object());
  EXPECT_EQ(responses.size(), 4u);
  EXPECT_TRUE(responses.value("description", nlohmann::json()).is_string());
  for (const auto& [key, minimum] : {std::pair<std::string, std::size_t>{"system_response", 40},
                                     {"voice_instructions", 12},
                                     {"internal_assessment", 20}}) {
    ASSERT_TRUE(responses.contains(key)) << key;
    const nlohmann::json& list = responses.at(key);
    ASSERT_TRUE(list.is_array()) << key;
    EXPECT_GE(list.size(), minimum) << key;
    for (const nlohmann::json& entry : list) {
      EXPECT_TRUE(entry.is_string() && !entry.get<std::string>().empty()) << key;
    }
  }
}

TEST(InterviewCorpusTest, KeepsStageOrderAndUtf8Text) {
  Result<InterviewCorpus> corpus = ParseInterviewCorpus("c.json", R"({
  "stages": [
    {"stage": "zeta", "utterances": ["Café au lait?", "Sure."]},
    {"utterances": ["Bye."], "stage": "alpha"}
  ]
})");
  ASSERT_TRUE(corpus) << corpus.error().ToString();
  EXPECT_THAT(corpus->stage_names, ElementsAre("zeta", "alpha"));
  EXPECT_THAT(corpus->utterances_by_stage[0], ElementsAre("Café au lait?", "Sure."));
  EXPECT_THAT(corpus->utterances_by_stage[1], ElementsAre("Bye."));
}

struct BadCorpusCase {
  std::string name;
  std::string text;
  std::string message;
};
// gtest prints the case by name (not as bytes) in test listings.
void PrintTo(const BadCorpusCase& c, std::ostream* os) { *os << c.name; }

class BadInterviewCorpusTest : public testing::TestWithParam<BadCorpusCase> {};

TEST_P(BadInterviewCorpusTest, ReportsLineColumnPointerAndExpectation) {
  Result<InterviewCorpus> corpus = ParseInterviewCorpus("corpus.json", GetParam().text);
  ASSERT_FALSE(corpus);
  EXPECT_EQ(corpus.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(corpus.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInterviewCorpusTest,
    testing::Values(
        BadCorpusCase{"InvalidJson", "{\n  \"stages\": [\n    {\"stage\": \"a\",}\n  ]\n}",
                      "corpus.json:3:19: invalid JSON: syntax error while parsing object key - "
                      "unexpected '}'; expected string literal"},
        BadCorpusCase{"CommentsNotAllowed", "// corpus\n{}",
                      "corpus.json:1:1: invalid JSON: syntax error while parsing value - invalid "
                      "literal; last read: '/'"},
        BadCorpusCase{"RootNotObject", "[]",
                      "corpus.json:1:1: (root): expected an object with a \"stages\" array, got "
                      "an empty array"},
        BadCorpusCase{"StagesMissing", "{\n  \"description\": \"x\"\n}",
                      "corpus.json:1:1: (root): missing required key 'stages' (a non-empty array "
                      "of stages)"},
        BadCorpusCase{"StagesEmpty", "{\"stages\": []}",
                      "corpus.json:1:12: /stages: expected a non-empty array of stages, got an "
                      "empty array"},
        BadCorpusCase{"UnknownTopLevelKey", "{\"stages\": [], \"stage\": 1}",
                      "corpus.json:1:25: /stage: unknown key 'stage'; expected one of: "
                      "description stages\n"
                      "corpus.json:1:12: /stages: expected a non-empty array of stages, got an "
                      "empty array"},
        BadCorpusCase{"DescriptionNotString", "{\"description\": [\"x\"], \"stages\": []}",
                      "corpus.json:1:17: /description: expected a string, got an array\n"
                      "corpus.json:1:34: /stages: expected a non-empty array of stages, got an "
                      "empty array"},
        BadCorpusCase{"StageNotObject", "{\"stages\": [\n  \"intro\"\n]}",
                      "corpus.json:2:3: /stages/0: expected an object with \"stage\" and "
                      "\"utterances\", got string \"intro\""},
        BadCorpusCase{"StageNameMissing", "{\"stages\": [\n  {\"utterances\": [\"a\"]}\n]}",
                      "corpus.json:2:3: /stages/0: missing required key 'stage' (a non-empty "
                      "string)"},
        BadCorpusCase{"StageNameEmpty",
                      "{\"stages\": [{\"stage\": \"\", \"utterances\": [\"a\"]}]}",
                      "corpus.json:1:23: /stages/0/stage: expected a non-empty string, got string "
                      "\"\""},
        BadCorpusCase{"DuplicateStage",
                      "{\"stages\": [\n  {\"stage\": \"a\", \"utterances\": [\"x\"]},\n  "
                      "{\"stage\": \"a\", \"utterances\": [\"y\"]}\n]}",
                      "corpus.json:3:13: /stages/1/stage: duplicate stage \"a\" (first at "
                      "/stages/0)"},
        BadCorpusCase{"UnknownStageKey",
                      "{\"stages\": [{\"stage\": \"a\", \"utterance\": [\"x\"]}]}",
                      "corpus.json:1:41: /stages/0/utterance: unknown key 'utterance'; expected "
                      "one of: stage utterances\n"
                      "corpus.json:1:13: /stages/0: missing required key 'utterances' (a "
                      "non-empty array of strings)"},
        // Every problem at once, not only the first.
        BadCorpusCase{"EveryProblem",
                      "{\"stages\": [\n  {\"stage\": \"\", \"utterances\": [\"\"]},\n"
                      "  {\"stage\": \"b\", \"stagee\": 1, \"utterances\": []},\n  3\n]}",
                      "corpus.json:2:13: /stages/0/stage: expected a non-empty string, got string "
                      "\"\"\n"
                      "corpus.json:2:32: /stages/0/utterances/0: expected a non-empty string, got "
                      "string \"\"\n"
                      "corpus.json:3:28: /stages/1/stagee: unknown key 'stagee'; expected one of: "
                      "stage utterances\n"
                      "corpus.json:3:45: /stages/1/utterances: expected a non-empty array of "
                      "strings, got an empty array\n"
                      "corpus.json:4:3: /stages/2: expected an object with \"stage\" and "
                      "\"utterances\", got number 3"},
        BadCorpusCase{"UtterancesMissing", "{\"stages\": [{\"stage\": \"a\"}]}",
                      "corpus.json:1:13: /stages/0: missing required key 'utterances' (a "
                      "non-empty array of strings)"},
        BadCorpusCase{"UtterancesEmpty", "{\"stages\": [{\"stage\": \"a\", \"utterances\": []}]}",
                      "corpus.json:1:42: /stages/0/utterances: expected a non-empty array of "
                      "strings, got an empty array"},
        BadCorpusCase{"UtteranceNotString",
                      "{\"stages\": [{\"stage\": \"a\", \"utterances\": [\n  \"ok\",\n  42\n]}]}",
                      "corpus.json:3:3: /stages/0/utterances/1: expected a non-empty string, got "
                      "number 42"},
        BadCorpusCase{"UtteranceEmpty",
                      "{\"stages\": [{\"stage\": \"a\", \"utterances\": [\"ok\", \"\"]}]}",
                      "corpus.json:1:49: /stages/0/utterances/1: expected a non-empty string, "
                      "got string \"\""},
        BadCorpusCase{"InvalidUtf8",
                      "{\"stages\": [{\"stage\": \"a\", \"utterances\": [\"\xff\"]}]}",
                      "corpus.json:1:44: invalid JSON: syntax error while parsing value - invalid "
                      "string: ill-formed UTF-8 byte; last read: '\"<0xFF>'"}),
    [](const testing::TestParamInfo<BadCorpusCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace agentsim
