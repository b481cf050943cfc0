#include "core/config/schema_evolution.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/config/config_diff.h"

namespace agentsim {

void PrintTo(const SchemaChange& c, std::ostream* os) {
  *os << "{" << c.field << ", " << c.kind << ", " << (c.breaking ? "breaking" : "compatible")
      << ", \"" << c.explanation << "\"}";
}

namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A schema of the given field objects (a JSON array's contents).
DynamicSchema Schema(const std::string& fields) {
  Result<DynamicSchema> schema =
      DynamicSchema::Compile(json::parse(R"({"schema_id": "s", "fields": [)" + fields + "]}"));
  EXPECT_TRUE(schema) << schema.error().message;
  return schema ? *schema : DynamicSchema{};
}

constexpr char kScore[] =
    R"({"field_name": "score", "field_type": "int", "constraints": {"ge": 0, "le": 100}})";
constexpr char kText[] = R"({"field_name": "text", "field_type": "str"})";

struct DiffCase {
  std::string name;
  std::string before;  // field objects
  std::string after;
  std::vector<SchemaChange> expected;
};
void PrintTo(const DiffCase& c, std::ostream* os) { *os << c.name; }

class DiffSchemasTest : public testing::TestWithParam<DiffCase> {};

TEST_P(DiffSchemasTest, ClassifiesEachChange) {
  EXPECT_EQ(DiffSchemas(Schema(GetParam().before), Schema(GetParam().after)), GetParam().expected);
}

std::string Field(const std::string& name, const std::string& type, const std::string& extra) {
  return R"({"field_name": ")" + name + R"(", "field_type": ")" + type + "\"" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

constexpr char kStill[] = "every output valid before is still valid";

INSTANTIATE_TEST_SUITE_P(
    Rules, DiffSchemasTest,
    testing::Values(
        DiffCase{
            "Unchanged", std::string(kText) + "," + kScore, std::string(kText) + "," + kScore, {}},
        DiffCase{"ReorderedAndRespelledIsNoChange",
                 Field("l", "list[str]", "") + "," + Field("e", "Literal['a', 'b']", ""),
                 Field("e", "Literal[\\\"a\\\",'b']", "") + "," + Field("l", "list[ str ]", ""),
                 {}},
        DiffCase{"OptionalWithDefaultAdded",
                 kText,
                 std::string(kText) + "," + Field("m", "int", R"("required": false, "default": 0)"),
                 {{"m", "field_added_optional_with_default", false,
                   "optional int field added with default 0: " + std::string(kStill)}}},
        DiffCase{"OptionalWithoutDefaultAdded",
                 kText,
                 std::string(kText) + "," + Field("m", "float", R"("required": false)"),
                 {{"m", "field_added_optional_without_default", false,
                   "optional float field added without a default: " + std::string(kStill) +
                       " (it may be absent)"}}},
        DiffCase{"RequiredAdded",
                 kText,
                 Field("r", "str", "") + "," + kText,
                 {{"r", "field_added_required", true,
                   "required str field added: outputs valid before lack it and are now refused"}}},
        DiffCase{"Removed",
                 std::string(kText) + "," + kScore,
                 kText,
                 {{"score", "field_removed", true,
                   "required int field removed: consumers lose it, and outputs that still carry "
                   "it are refused as unknown_field"}}},
        DiffCase{"TypeChangedUnrelated",
                 Field("x", "int", ""),
                 Field("x", "str", ""),
                 {{"x", "type_changed", true,
                   "type int -> str: outputs valid before are now refused, and consumers written "
                   "for int get str"}}},
        DiffCase{"TypeWidenedIntToFloat",
                 Field("x", "int", ""),
                 Field("x", "float", ""),
                 {{"x", "type_changed", true,
                   "type int -> float: outputs valid before stay valid, but consumers written for "
                   "int now get any float"}}},
        DiffCase{"LiteralToStr",
                 Field("x", "Literal['a', 'b']", ""),
                 Field("x", "str", ""),
                 {{"x", "type_changed", true,
                   "type Literal[\"a\", \"b\"] -> str: outputs valid before stay valid, but "
                   "consumers written for Literal[\"a\", \"b\"] now get any str"}}},
        DiffCase{"StrToLiteral",
                 Field("x", "str", ""),
                 Field("x", "Literal['a']", ""),
                 {{"x", "type_changed", true,
                   "type str -> Literal[\"a\"]: outputs valid before (other str values) are now "
                   "refused"}}},
        DiffCase{
            "LiteralValueAdded",
            Field("x", "Literal['a', 'b']", ""),
            Field("x", "Literal['a', 'b', 3]", ""),
            {{"x", "literal_value_added", false, "Literal value 3 added: " + std::string(kStill)}}},
        DiffCase{"LiteralValueRemoved",
                 Field("x", "Literal['a', 'b']", ""),
                 Field("x", "Literal['b']", ""),
                 {{"x", "literal_value_removed", true,
                   "Literal value \"a\" removed: outputs valid before (\"a\") are now refused"}}},
        DiffCase{"RequiredToOptional",
                 Field("x", "str", ""),
                 Field("x", "str", R"("required": false)"),
                 {{"x", "required_to_optional", true,
                   "required -> optional: outputs may now omit a field every consumer could rely "
                   "on (the frontend, the spoken text_field)"}}},
        DiffCase{"OptionalToRequired",
                 Field("x", "str", R"("required": false)"),
                 Field("x", "str", ""),
                 {{"x", "optional_to_required", true,
                   "optional -> required: outputs valid before that omit the field are now "
                   "refused"}}},
        DiffCase{"LeLowered",
                 kScore,
                 Field("score", "int", R"("constraints": {"ge": 0, "le": 50})"),
                 {{"score", "constraint_tightened", true,
                   "le 100 -> 50: outputs valid before (e.g. 75) are now refused"}}},
        DiffCase{"LeLoweredByOneOnInt",
                 kScore,
                 Field("score", "int", R"("constraints": {"ge": 0, "le": 99})"),
                 {{"score", "constraint_tightened", true,
                   "le 100 -> 99: outputs valid before (e.g. 100) are now refused"}}},
        DiffCase{"GeRaisedOnFloatList",
                 Field("x", "list[float]", R"("constraints": {"ge": 0})"),
                 Field("x", "list[float]", R"("constraints": {"ge": 0.5})"),
                 {{"x", "constraint_tightened", true,
                   "ge 0 -> 0.5: outputs valid before (e.g. an element 0.25) are now refused"}}},
        DiffCase{"GeRaisedWithNoIntegerBetween",
                 Field("x", "int", R"("constraints": {"ge": 0.2})"),
                 Field("x", "int", R"("constraints": {"ge": 0.8})"),
                 {{"x", "constraint_tightened", true,
                   "ge 0.2 -> 0.8: outputs valid before (values in [0.2, 0.8)) are now refused"}}},
        DiffCase{
            "RangeLoosened",
            kScore,
            Field("score", "int", R"("constraints": {"ge": -10, "le": 1000})"),
            {{"score", "constraint_loosened", false, "ge 0 -> -10: " + std::string(kStill)},
             {"score", "constraint_loosened", false, "le 100 -> 1000: " + std::string(kStill)}}},
        DiffCase{"RangeAddedAndRemoved",
                 Field("x", "float", R"("constraints": {"le": 2})"),
                 Field("x", "float", R"("constraints": {"ge": 0.5})"),
                 {{"x", "constraint_added", true,
                   "ge 0.5 added: outputs valid before (e.g. -0.5) are now refused"},
                  {"x", "constraint_removed", false, "le 2 removed: " + std::string(kStill)}}},
        DiffCase{"LeAddedOnInt",
                 Field("x", "int", ""),
                 Field("x", "int", R"("constraints": {"le": 10})"),
                 {{"x", "constraint_added", true,
                   "le 10 added: outputs valid before (e.g. 11) are now refused"}}},
        DiffCase{"LengthTightened",
                 Field("s", "str", R"("constraints": {"min_length": 1, "max_length": 600})"),
                 Field("s", "str", R"("constraints": {"min_length": 5, "max_length": 300})"),
                 {{"s", "constraint_tightened", true,
                   "min_length 1 -> 5: outputs valid before (e.g. a str of 3 characters) are now "
                   "refused"},
                  {"s", "constraint_tightened", true,
                   "max_length 600 -> 300: outputs valid before (e.g. a str of 450 characters) "
                   "are now refused"}}},
        DiffCase{
            "LengthLoosened",
            Field("l", "list[int]", R"("constraints": {"min_length": 2, "max_length": 3})"),
            Field("l", "list[int]", R"("constraints": {"min_length": 1, "max_length": 9})"),
            {{"l", "constraint_loosened", false, "min_length 2 -> 1: " + std::string(kStill)},
             {"l", "constraint_loosened", false, "max_length 3 -> 9: " + std::string(kStill)}}},
        DiffCase{"LengthAdded",
                 Field("d", "dict", ""),
                 Field("d", "dict", R"("constraints": {"min_length": 2, "max_length": 4})"),
                 {{"d", "constraint_added", true,
                   "min_length 2 added: outputs valid before (e.g. a dict of 1 key) are now "
                   "refused"},
                  {"d", "constraint_added", true,
                   "max_length 4 added: outputs valid before (e.g. a dict of 5 keys) are now "
                   "refused"}}},
        DiffCase{"MinLengthZeroAddedRefusesNothing",
                 Field("l", "list[str]", ""),
                 Field("l", "list[str]", R"("constraints": {"min_length": 0})"),
                 {{"l", "constraint_added", false,
                   "min_length 0 added: it refuses nothing; " + std::string(kStill)}}},
        DiffCase{
            "LengthRemoved",
            Field("l", "list[str]", R"("constraints": {"max_length": 3})"),
            Field("l", "list[str]", ""),
            {{"l", "constraint_removed", false, "max_length 3 removed: " + std::string(kStill)}}},
        DiffCase{"DefaultChanged",
                 Field("x", "int", R"("default": 0)"),
                 Field("x", "int", R"("default": 1)"),
                 {{"x", "default_changed", false,
                   "default 0 -> 1: informational; defaults are never filled into outputs, so "
                   "validation and publishing are unchanged"}}},
        DiffCase{"HiddenSet",
                 kText,
                 Field("text", "str", R"("metadata": {"hidden": true})"),
                 {{"text", "hidden_changed", true,
                   "hidden false -> true: the field is no longer published to the room; the "
                   "frontend loses data it received before"}}},
        DiffCase{"HiddenCleared",
                 Field("text", "str", R"("metadata": {"hidden": true})"),
                 kText,
                 {{"text", "hidden_changed", true,
                   "hidden true -> false: the field is now published to the room; data kept "
                   "private before becomes public"}}},
        DiffCase{"UseInTtsSet",
                 kText,
                 Field("text", "str", R"("metadata": {"use_in_tts": true})"),
                 {{"text", "use_in_tts_changed", true,
                   "use_in_tts false -> true: the field is now sent to TTS with the spoken text; "
                   "what the user hears changes"}}},
        DiffCase{"UseInTtsCleared",
                 Field("text", "str", R"("metadata": {"use_in_tts": true})"),
                 kText,
                 {{"text", "use_in_tts_changed", true,
                   "use_in_tts true -> false: the field is no longer sent to TTS; what the user "
                   "hears changes"}}},
        DiffCase{"CategoryChanged",
                 Field("x", "str", R"("metadata": {"category": "output"})"),
                 Field("x", "str", R"("metadata": {"category": "control"})"),
                 {{"x", "category_changed", false,
                   "category \"output\" -> \"control\": informational; validation, publishing and "
                   "TTS ignore it"}}},
        DiffCase{"DescriptionChanged",
                 Field("x", "str", R"("description": "old")"),
                 Field("x", "str", R"("description": "new")"),
                 {{"x", "description_changed", false,
                   "description \"old\" -> \"new\": informational; validation, publishing and TTS "
                   "ignore it"}}},
        // Order: fields in `after` order, then removed ones; aspects in the documented order.
        DiffCase{"OrderOfFieldsAndAspects",
                 Field("gone", "str", "") + "," + Field("x", "Literal['a', 'b']", "") + "," +
                     Field("y", "int", R"("required": false, "metadata": {"hidden": true})"),
                 Field("y", "float", R"("constraints": {"le": 1}, "metadata": {"category": "c"})") +
                     "," + Field("new", "str", R"("default": "")") + "," +
                     Field("x", "Literal['c', 'a']", R"("required": false)"),
                 {{"y", "type_changed", true,
                   "type int -> float: outputs valid before stay valid, but consumers written for "
                   "int now get any float"},
                  {"y", "optional_to_required", true,
                   "optional -> required: outputs valid before that omit the field are now "
                   "refused"},
                  {"y", "constraint_added", true,
                   "le 1 added: outputs valid before (e.g. 2) are now refused"},
                  {"y", "hidden_changed", true,
                   "hidden true -> false: the field is now published to the room; data kept "
                   "private before becomes public"},
                  {"y", "category_changed", false,
                   "category \"\" -> \"c\": informational; validation, publishing and TTS ignore "
                   "it"},
                  {"new", "field_added_optional_with_default", false,
                   "optional str field added with default \"\": " + std::string(kStill)},
                  {"x", "literal_value_removed", true,
                   "Literal value \"b\" removed: outputs valid before (\"b\") are now refused"},
                  {"x", "literal_value_added", false,
                   "Literal value \"c\" added: " + std::string(kStill)},
                  {"x", "required_to_optional", true,
                   "required -> optional: outputs may now omit a field every consumer could rely "
                   "on (the frontend, the spoken text_field)"},
                  {"gone", "field_removed", true,
                   "required str field removed: consumers lose it, and outputs that still carry "
                   "it are refused as unknown_field"}}}),
    [](const testing::TestParamInfo<DiffCase>& param_info) { return param_info.param.name; });

// The seed's interview agent (scenarios/configs/interview-strict-v1.json, shortened).
constexpr char kInterviewAgent[] = R"({
  "agent_id": "interview-strict-v1",
  "version": "1.0.0",
  "tenant_config": {"tenant_id": "acme-hr", "tier": "enterprise"},
  "prompt_config": {"system_prompt": "You are a strict technical interviewer."},
  "schema_config": {"schema_id": "interview_v1", "fields": [
    {"field_name": "system_response", "field_type": "str", "required": true,
     "constraints": {"min_length": 1, "max_length": 600},
     "metadata": {"use_in_tts": false, "hidden": false, "category": "output"}},
    {"field_name": "internal_assessment", "field_type": "str", "required": false,
     "metadata": {"hidden": true, "category": "internal"}},
    {"field_name": "credibility_score", "field_type": "int", "required": true,
     "constraints": {"ge": 0, "le": 100}, "metadata": {"category": "output"}}]},
  "llm_config": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.3,
                 "max_tokens": 400, "api_key_env": "OPENAI_API_KEY"},
  "tts_config": {"provider": "openai", "voice": "onyx"},
  "feature_flags": {"enable_voice_analytics": true}
})";

json InterviewJson() { return json::parse(kInterviewAgent); }

AgentConfig Config(const json& doc) {
  Result<AgentConfig> config = ParseAgentConfig("agent.json", doc.dump());
  EXPECT_TRUE(config) << config.error().message;
  return config ? *config : AgentConfig{};
}

// The interview agent at `version`, with le of credibility_score set to `le`.
AgentConfig Interview(const std::string& version, int le = 100) {
  json doc = InterviewJson();
  doc["version"] = version;
  doc["schema_config"]["fields"][2]["constraints"]["le"] = le;
  return Config(doc);
}

// The seed's safe evolution: an optional `new_metric` int with default 0.
AgentConfig InterviewWithNewMetric(const std::string& version) {
  json doc = InterviewJson();
  doc["version"] = version;
  doc["schema_config"]["fields"].push_back(
      {{"field_name", "new_metric"}, {"field_type", "int"}, {"required", false}, {"default", 0}});
  return Config(doc);
}

TEST(CheckEvolutionTest, RefusesBreakingChangeWithMinorBump) {
  Status status = CheckEvolution(Interview("1.0.0"), Interview("1.1.0", 50));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message,
            "version 1.0.0 -> 1.1.0 makes 1 breaking change to the schema without a major version "
            "bump:\n"
            "  credibility_score: constraint_tightened: le 100 -> 50: outputs valid before (e.g. "
            "75) are now refused\n"
            "bump the major version: publish 2.0.0 as a new agent, agent_id interview-strict-v2");
}

TEST(CheckEvolutionTest, ListsEveryBreakingChange) {
  json doc = InterviewJson();
  doc["version"] = "1.0.1";
  doc["agent_id"] = "interview";
  doc["schema_config"]["fields"].erase(1);                      // internal_assessment
  doc["schema_config"]["fields"][1]["constraints"]["ge"] = -5;  // loosened: not listed
  doc["schema_config"]["fields"][1]["metadata"]["use_in_tts"] = true;
  json old_doc = InterviewJson();
  old_doc["agent_id"] = "interview";
  Status status = CheckEvolution(Config(old_doc), Config(doc));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message,
            "version 1.0.0 -> 1.0.1 makes 2 breaking changes to the schema without a major "
            "version bump:\n"
            "  credibility_score: use_in_tts_changed: use_in_tts false -> true: the field is now "
            "sent to TTS with the spoken text; what the user hears changes\n"
            "  internal_assessment: field_removed: optional str field removed: consumers lose "
            "it, and outputs that still carry it are refused as unknown_field\n"
            "bump the major version: publish 2.0.0 as a new agent, agent_id interview-v2");
}

TEST(CheckEvolutionTest, AcceptsBreakingChangeWithMajorBump) {
  EXPECT_TRUE(CheckEvolution(Interview("1.0.0"), Interview("2.0.0", 50)));
  EXPECT_TRUE(CheckEvolution(Interview("9.4.1"), Interview("10.0.0-rc.1", 50)));
}

TEST(CheckEvolutionTest, MajorVersionZeroGetsNoExemption) {
  Status status = CheckEvolution(Interview("0.1.0"), Interview("0.2.0", 50));
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, testing::EndsWith("publish 1.0.0 as a new agent, agent_id "
                                                        "interview-strict-v1"));
}

TEST(CheckEvolutionTest, AcceptsCompatibleChangeWithMinorOrPatchBump) {
  EXPECT_TRUE(CheckEvolution(Interview("1.0.0"), InterviewWithNewMetric("1.1.0")));
  EXPECT_TRUE(CheckEvolution(Interview("1.0.0", 50), Interview("1.0.1", 100)));
}

TEST(CheckEvolutionTest, RefusesSameOrLowerVersion) {
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"1.0.0", "1.0.0"},
                                                        {"1.0.0", "1.0.0+build.7"},
                                                        {"1.1.0", "1.0.9"},
                                                        {"1.0.0", "1.0.0-rc.1"},
                                                        {"2.0.0", "1.9.9"}}) {
    Status status = CheckEvolution(Interview(from), InterviewWithNewMetric(to));
    ASSERT_FALSE(status) << from << " -> " << to;
    EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(status.error().message, "version " + from + " -> " + to +
                                          " does not increase precedence; a new version must be "
                                          "greater than " +
                                          from);
  }
}

TEST(CheckEvolutionTest, RefusesVersionThatIsNotSemVer) {
  AgentConfig after = Interview("1.1.0");
  after.version = "1.1";  // set after parsing: ParseAgentConfig may check versions itself
  Status status = CheckEvolution(Interview("1.0.0"), after);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(status.error().message, testing::StartsWith("version of interview-strict-v1: "));
}

TEST(CheckOperationalUpdateTest, AllowsEnabled) {
  EXPECT_TRUE(CheckOperationalUpdate(json{{"enabled", false}}));
  EXPECT_TRUE(CheckOperationalUpdate(json{{"enabled", true}}));
  EXPECT_TRUE(CheckOperationalUpdate(json::object()));
}

class ImmutableKeyTest : public testing::TestWithParam<std::string> {};

TEST_P(ImmutableKeyTest, IsRefused) {
  Status status = CheckOperationalUpdate(json{{"enabled", false}, {GetParam(), json::object()}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message, GetParam() +
                                        " cannot change in an existing version; versions are "
                                        "immutable: create a new version (e.g. 1.1.0)");
}

INSTANTIATE_TEST_SUITE_P(EveryOtherConfigKey, ImmutableKeyTest,
                         testing::Values("agent_id", "version", "tenant_config", "prompt_config",
                                         "schema_config", "llm_config", "tts_config",
                                         "feature_flags"));

TEST(CheckOperationalUpdateTest, RefusesEachImmutableKeyOnItsOwnLine) {
  Status status = CheckOperationalUpdate(
      json{{"version", "1.0.1"}, {"feature_flags", {{"x", true}}}, {"enabled", "yes"}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message,
            "feature_flags cannot change in an existing version; versions are immutable: create "
            "a new version (e.g. 1.1.0)\n"
            "version cannot change in an existing version; versions are immutable: create a new "
            "version (e.g. 1.1.0)");
}

TEST(CheckOperationalUpdateTest, RefusesWrongTypeUnknownKeyAndNonObject) {
  Status wrong_type = CheckOperationalUpdate(json{{"enabled", "false"}});
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong_type.error().message, "enabled: expected a boolean, got string \"false\"");

  Status unknown = CheckOperationalUpdate(json{{"enabeld", true}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message,
            "unknown key \"enabeld\"; an agent config has agent_id, version, tenant_config, "
            "prompt_config, schema_config, llm_config, tts_config, feature_flags and enabled");

  Status not_object = CheckOperationalUpdate(json::array({"enabled"}));
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(not_object.error().message,
              testing::StartsWith("expected an object of config key -> new value, got "));
}

TEST(ConfigDiffTest, FormatsSeedEvolutionWithTemperatureChange) {
  json doc = InterviewJson();
  doc["version"] = "1.1.0";
  doc["llm_config"]["temperature"] = 0.9;
  doc["schema_config"]["fields"].push_back(
      {{"field_name", "new_metric"}, {"field_type", "int"}, {"required", false}, {"default", 0}});
  const ConfigDiff diff = DiffConfigs(Config(InterviewJson()), Config(doc));
  EXPECT_FALSE(diff.breaking());
  EXPECT_EQ(FormatConfigDiff(diff),
            "compatible new_metric: field_added_optional_with_default: optional int field added "
            "with default 0: every output valid before is still valid\n"
            "config     llm_config/temperature: 0.3 -> 0.9\n"
            "config     version: \"1.0.0\" -> \"1.1.0\"\n"
            "verdict: compatible (1 schema change, none breaking; 2 other changes): no major "
            "version bump needed\n");
}

TEST(ConfigDiffTest, FormatsBreakingChange) {
  const ConfigDiff diff = DiffConfigs(Interview("1.0.0"), Interview("2.0.0", 50));
  EXPECT_TRUE(diff.breaking());
  EXPECT_EQ(FormatConfigDiff(diff),
            "BREAKING   credibility_score: constraint_tightened: le 100 -> 50: outputs valid "
            "before (e.g. 75) are now refused\n"
            "config     version: \"1.0.0\" -> \"2.0.0\"\n"
            "verdict: breaking (1 of 1 schema change): needs a major version bump and a new "
            "agent_id ...-v<major>\n");
}

TEST(ConfigDiffTest, ReportsAddedRemovedKeysAndSchemaId) {
  json doc = InterviewJson();
  doc["feature_flags"] = {{"enable_auto_scoring", true}};
  doc["tts_config"]["speed"] = 1.25;
  doc["schema_config"]["schema_id"] = "interview_v2";
  doc["enabled"] = false;
  const ConfigDiff diff = DiffConfigs(Config(InterviewJson()), Config(doc));
  EXPECT_THAT(diff.schema, IsEmpty());
  EXPECT_THAT(diff.other, ElementsAre("enabled: (absent) -> false",
                                      "feature_flags/enable_auto_scoring: (absent) -> true",
                                      "feature_flags/enable_voice_analytics: true -> (absent)",
                                      "schema_config/schema_id: \"interview_v1\" -> "
                                      "\"interview_v2\"",
                                      "tts_config/speed: (absent) -> 1.25"));
  EXPECT_EQ(FormatConfigDiff(DiffConfigs(Config(doc), Config(doc))), "verdict: no changes\n");
}

}  // namespace
}  // namespace agentsim
