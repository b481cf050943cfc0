#include "core/config/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace agentsim {
namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The seed's interview agent. Line numbers matter: the error tests replace whole lines.
constexpr std::string_view kInterviewAgent = R"({
  "agent_id": "interview-strict-v1",
  "version": "1.0.0",  // semantic versioning
  "tenant_config": {"tenant_id": "acme", "tier": "pro"},
  "prompt_config": {"system_prompt": "You are a strict interviewer.", "max_history_turns": 8},
  "schema_config": {"schema_id": "interview_v1", "fields": [
    {"field_name": "system_response", "field_type": "str", "required": true},
    {"field_name": "voice_instructions", "field_type": "str", "required": false,
     "metadata": {"use_in_tts": true, "hidden": false, "category": "control"}},
    {"field_name": "internal_assessment", "field_type": "str", "required": false,
     "metadata": {"hidden": true, "category": "internal"}},
    {"field_name": "credibility_score", "field_type": "int", "constraints": {"ge": 0, "le": 100}},
    {"field_name": "interview_stage",
     "field_type": "Literal['introduction', 'experience', 'technical', 'closing']"},
    {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']"}
  ]},  /* interview_v1 */
  "llm_config": {"provider": "openai", "model": "gpt-4o", "temperature": 0.3, "max_tokens": 400,
                 "api_key_env": "OPENAI_API_KEY"},
  "tts_config": {"provider": "cartesia", "voice": "narrator", "speed": 1.25},
  "feature_flags": {"enable_sentiment_analysis": true, "enable_voice_analytics": false},
  "enabled": true
})";

constexpr std::string_view kMinimalAgent = R"({"agent_id": "a", "version": "1",
  "tenant_config": {"tenant_id": "t"},
  "prompt_config": {"system_prompt": ""},
  "schema_config": {"schema_id": "s",
                    "fields": [{"field_name": "system_response", "field_type": "str"}]},
  "llm_config": {"provider": "p", "model": "m"},
  "tts_config": {"provider": "p", "voice": "v"}})";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct LineEdit {
  int line;  // 1-based line of kInterviewAgent
  std::string text;
};

// kInterviewAgent with whole lines replaced ("" leaves the line empty, so numbering is kept).
std::string Edited(const std::vector<LineEdit>& edits) {
  std::vector<std::string> lines = SplitLines(std::string(kInterviewAgent));
  for (const LineEdit& e : edits) lines.at(e.line - 1) = e.text;
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// The error lines of parsing `text` as "cfg.json" (empty if it parsed).
std::vector<std::string> Errors(std::string text) {
  Result<AgentConfig> config = ParseAgentConfig("cfg.json", std::move(text));
  if (config) return {};
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  return SplitLines(config.error().message);
}

TEST(AgentConfigTest, ParsesInterviewAgent) {
  Result<AgentConfig> config = ParseAgentConfig("cfg.json", std::string(kInterviewAgent));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->agent_id, "interview-strict-v1");
  EXPECT_EQ(config->version, "1.0.0");
  EXPECT_EQ(config->tenant.tenant_id, "acme");
  EXPECT_EQ(config->tenant.tier, "pro");
  EXPECT_EQ(config->prompt.system_prompt, "You are a strict interviewer.");
  EXPECT_EQ(config->prompt.max_history_turns, 8);
  EXPECT_EQ(config->llm.provider, "openai");
  EXPECT_EQ(config->llm.model, "gpt-4o");
  EXPECT_EQ(config->llm.temperature, 0.3);
  EXPECT_EQ(config->llm.max_tokens, 400);
  EXPECT_EQ(config->llm.api_key_env, "OPENAI_API_KEY");
  EXPECT_EQ(config->tts.provider, "cartesia");
  EXPECT_EQ(config->tts.voice, "narrator");
  EXPECT_EQ(config->tts.speed, 1.25);
  EXPECT_EQ(config->tts.text_field, "system_response");
  EXPECT_EQ(config->feature_flags,
            (std::map<std::string, bool>{{"enable_sentiment_analysis", true},
                                         {"enable_voice_analytics", false}}));
  EXPECT_TRUE(config->enabled);
  EXPECT_EQ(config->raw, json::parse(kInterviewAgent, nullptr, true, /*ignore_comments=*/true));

  const DynamicSchema& schema = config->schema;
  EXPECT_EQ(schema.schema_id(), "interview_v1");
  std::vector<std::string> fields;
  for (const SchemaField& f : schema.fields()) {
    fields.push_back(f.name + ":" + std::string(FieldKindName(f.kind)) + ":" +
                     (f.required ? "required" : "optional") + (f.metadata.hidden ? ":hidden" : "") +
                     (f.metadata.use_in_tts ? ":tts" : ""));
  }
  EXPECT_THAT(
      fields,
      ElementsAre("system_response:str:required", "voice_instructions:str:optional:tts",
                  "internal_assessment:str:optional:hidden", "credibility_score:int:required",
                  "interview_stage:Literal:required", "sentiment:Literal:required"));
  EXPECT_EQ(json(schema.Find("interview_stage")->literal_values),
            json::parse(R"(["introduction", "experience", "technical", "closing"])"));
  EXPECT_EQ(schema.Find("credibility_score")->constraints.le, 100.0);
}

TEST(AgentConfigTest, AppliesDefaults) {
  Result<AgentConfig> config = ParseAgentConfig("min.json", std::string(kMinimalAgent));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->tenant.tier, "free");
  EXPECT_EQ(config->prompt.system_prompt, "");
  EXPECT_EQ(config->prompt.max_history_turns, 10);
  EXPECT_EQ(config->llm.temperature, 0.7);
  EXPECT_EQ(config->llm.max_tokens, 512);
  EXPECT_EQ(config->llm.api_key_env, "");
  EXPECT_EQ(config->tts.speed, 1.0);
  EXPECT_EQ(config->tts.text_field, "system_response");
  EXPECT_THAT(config->feature_flags, IsEmpty());
  EXPECT_TRUE(config->enabled);
  EXPECT_FALSE(config->IsFeatureEnabled("enable_voice_analytics"));
}

TEST(AgentConfigTest, ReadsFeatureFlagsLikeTheSeed) {
  Result<AgentConfig> config = ParseAgentConfig("cfg.json", std::string(kInterviewAgent));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->IsFeatureEnabled("enable_sentiment_analysis"));
  EXPECT_FALSE(config->IsFeatureEnabled("enable_voice_analytics"));
  EXPECT_FALSE(config->IsFeatureEnabled("enable_auto_scoring"));
}

TEST(AgentConfigTest, AcceptsValuesAtTheirBounds) {
  struct Case {
    LineEdit edit;
    std::string check;  // the parsed values, as `describe` prints them
  };
  auto describe = [](const AgentConfig& c) {
    return "temperature=" + json(c.llm.temperature).dump() +
           " max_tokens=" + std::to_string(c.llm.max_tokens) +
           " speed=" + json(c.tts.speed).dump() +
           " turns=" + std::to_string(c.prompt.max_history_turns) + " tier=" + c.tenant.tier +
           " enabled=" + (c.enabled ? "true" : "false") + " text_field=" + c.tts.text_field;
  };
  const std::string kLlm = R"(  "llm_config": {"provider": "openai", "model": "gpt-4o", )";
  const std::string kTts = R"(  "tts_config": {"provider": "cartesia", "voice": "narrator", )";
  const std::vector<Case> cases = {
      {{17, kLlm + R"("temperature": 2.0, "max_tokens": 1,)"},
       "temperature=2.0 max_tokens=1 speed=1.25 turns=8 tier=pro enabled=true "
       "text_field=system_response"},
      {{17, kLlm + R"("temperature": 0, "max_tokens": 1000000, "top_p": 0.9,)"},
       "temperature=0.0 max_tokens=1000000 speed=1.25 turns=8 tier=pro enabled=true "
       "text_field=system_response"},
      {{19, kTts + R"("speed": 4, "text_field": "voice_instructions"},)"},
       "temperature=0.3 max_tokens=400 speed=4.0 turns=8 tier=pro enabled=true "
       "text_field=voice_instructions"},
      {{19, kTts + R"("speed": 0.01, "sample_rate": 24000},)"},
       "temperature=0.3 max_tokens=400 speed=0.01 turns=8 tier=pro enabled=true "
       "text_field=system_response"},
      {{5, R"(  "prompt_config": {"system_prompt": "", "max_history_turns": 0},)"},
       "temperature=0.3 max_tokens=400 speed=1.25 turns=0 tier=pro enabled=true "
       "text_field=system_response"},
      {{5, R"(  "prompt_config": {"system_prompt": "x", "max_history_turns": 1000},)"},
       "temperature=0.3 max_tokens=400 speed=1.25 turns=1000 tier=pro enabled=true "
       "text_field=system_response"},
      {{4, R"(  "tenant_config": {"tenant_id": "acme", "tier": "enterprise"},)"},
       "temperature=0.3 max_tokens=400 speed=1.25 turns=8 tier=enterprise enabled=true "
       "text_field=system_response"},
      {{21, R"(  "enabled": false)"},
       "temperature=0.3 max_tokens=400 speed=1.25 turns=8 tier=pro enabled=false "
       "text_field=system_response"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.edit.text);
    Result<AgentConfig> config = ParseAgentConfig("cfg.json", Edited({c.edit}));
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_EQ(describe(*config), c.check);
  }
}

TEST(AgentConfigTest, RejectsEachBadValueWithItsLocation) {
  struct Case {
    LineEdit edit;
    std::vector<std::string> expected;
  };
  const std::string kKeys =
      "expected one of agent_id, version, tenant_config, prompt_config, schema_config, "
      "llm_config, tts_config, feature_flags, enabled";
  const std::string kMissing = "got nothing (required key missing)";
  const std::string kTextField = "expected the name of a str field of schema_config, got ";
  const std::vector<Case> cases = {
      {{2, ""}, {"cfg.json:1:1: /agent_id: expected a non-empty string, " + kMissing}},
      {{2, R"(  "agent_id": "",)"},
       {R"(cfg.json:2:15: /agent_id: expected a non-empty string, got string "")"}},
      {{2, R"(  "agent_id": 7,)"},
       {"cfg.json:2:15: /agent_id: expected a non-empty string, got number 7"}},
      {{3, ""}, {"cfg.json:1:1: /version: expected a non-empty string, " + kMissing}},
      {{3, R"(  "version": "",)"},
       {R"(cfg.json:3:14: /version: expected a non-empty string, got string "")"}},
      {{4, ""}, {"cfg.json:1:1: /tenant_config: expected an object, " + kMissing}},
      {{4, R"(  "tenant_config": "acme",)"},
       {R"(cfg.json:4:20: /tenant_config: expected an object, got string "acme")"}},
      {{4, R"(  "tenant_config": {"tier": "pro"},)"},
       {"cfg.json:4:20: /tenant_config/tenant_id: expected a non-empty string, " + kMissing}},
      {{4, R"(  "tenant_config": {"tenant_id": "", "tier": "gold", "region": "eu"},)"},
       {R"(cfg.json:4:34: /tenant_config/tenant_id: expected a non-empty string, got string "")",
        R"(cfg.json:4:46: /tenant_config/tier: expected one of "free", "pro", "enterprise", )"
        R"(got string "gold")",
        R"(cfg.json:4:64: /tenant_config/region: unknown key "region"; expected one of )"
        "tenant_id, tier"}},
      {{5, ""}, {"cfg.json:1:1: /prompt_config: expected an object, " + kMissing}},
      {{5, R"(  "prompt_config": {"max_history_turns": 1001, "extra": 1},)"},
       {"cfg.json:5:20: /prompt_config/system_prompt: expected a string, " + kMissing,
        "cfg.json:5:42: /prompt_config/max_history_turns: expected an integer in [0, 1000], got "
        "number 1001",
        R"(cfg.json:5:57: /prompt_config/extra: unknown key "extra"; expected one of )"
        "system_prompt, max_history_turns"}},
      {{5, R"(  "prompt_config": {"system_prompt": 5, "max_history_turns": -1},)"},
       {"cfg.json:5:38: /prompt_config/system_prompt: expected a string, got number 5",
        "cfg.json:5:62: /prompt_config/max_history_turns: expected an integer in [0, 1000], got "
        "number -1"}},
      {{5, R"(  "prompt_config": {"system_prompt": "", "max_history_turns": 2.5},)"},
       {"cfg.json:5:63: /prompt_config/max_history_turns: expected an integer in [0, 1000], got "
        "number 2.5"}},
      {{12, R"(    {"field_name": "credibility_score", "field_type": "int", )"
            R"("constraints": {"lt": 1}},)"},
       {R"(cfg.json:12:84: /schema_config/fields/3/constraints/lt: unknown constraint "lt" )"
        R"((did you mean "le"?))"}},
      {{7, R"(    {"field_name": "system_response", "field_type": "text", "required": true},)"},
       {"cfg.json:7:53: /schema_config/fields/0/field_type: expected one of str, int, float, "
        "bool, list[str], list[int], list[float], dict or Literal[...], got string \"text\""}},
      {{17, R"(  "llm_config": {"model": 5, "temperature": 2.01, "max_tokens": 0,)"},
       {"cfg.json:17:17: /llm_config/provider: expected a string, " + kMissing,
        "cfg.json:17:27: /llm_config/model: expected a string, got number 5",
        "cfg.json:17:45: /llm_config/temperature: expected a number in [0, 2.0], got number 2.01",
        "cfg.json:17:65: /llm_config/max_tokens: expected an integer in [1, 1000000], got number "
        "0"}},
      {{17, R"(  "llm_config": {"provider": "o", "model": "m", "temperature": -0.1,)"},
       {"cfg.json:17:64: /llm_config/temperature: expected a number in [0, 2.0], got number -0.1"}},
      {{17, R"(  "llm_config": {"provider": "o", "model": "m", "temperature": "0.5",)"},
       {R"(cfg.json:17:64: /llm_config/temperature: expected a number in [0, 2.0], got string )"
        R"("0.5")"}},
      {{17, R"(  "llm_config": {"provider": "o", "model": "m", "max_tokens": 1000001,)"},
       {"cfg.json:17:63: /llm_config/max_tokens: expected an integer in [1, 1000000], got number "
        "1000001"}},
      {{18, R"(                 "api_key_env": 5, "api_key": "sk-abc"},)"},
       {"cfg.json:18:33: /llm_config/api_key_env: expected a string, got number 5",
        "cfg.json:18:47: /llm_config/api_key: expected no secret in the config (name an "
        "environment variable in api_key_env), got an api_key"}},
      {{19, R"(  "tts_config": {"voice": 5, "speed": 0, "text_field": "credibility_score"},)"},
       {"cfg.json:19:17: /tts_config/provider: expected a string, " + kMissing,
        "cfg.json:19:27: /tts_config/voice: expected a string, got number 5",
        "cfg.json:19:39: /tts_config/speed: expected a number in (0, 4], got number 0",
        "cfg.json:19:56: /tts_config/text_field: " + kTextField +
            R"(string "credibility_score" (a field of type int))"}},
      {{19,
        R"(  "tts_config": {"provider": "c", "voice": "v", "speed": 4.5, "text_field": "nope"},)"},
       {"cfg.json:19:58: /tts_config/speed: expected a number in (0, 4], got number 4.5",
        "cfg.json:19:77: /tts_config/text_field: " + kTextField +
            R"(string "nope" (no such field))"}},
      {{19, R"(  "tts_config": {"provider": "cartesia", "voice": "narrator", )"
            R"("text_field": "internal_assessment"},)"},
       {"cfg.json:19:77: /tts_config/text_field: " + kTextField +
        R"(string "internal_assessment" (a hidden field: it would be spoken))"}},
      {{19, R"(  "tts_config": {"provider": "c", "voice": "v", "text_field": 5},)"},
       {"cfg.json:19:63: /tts_config/text_field: " + kTextField + "number 5"}},
      {{7, R"(    {"field_name": "reply", "field_type": "str"},)"},
       {"cfg.json:19:17: /tts_config/text_field: " + kTextField +
        R"(the default "system_response" (no such field))"}},
      {{19, ""}, {"cfg.json:1:1: /tts_config: expected an object, " + kMissing}},
      {{20, R"(  "feature_flags": ["a"],)"},
       {"cfg.json:20:20: /feature_flags: expected an object of booleans, got an array"}},
      {{20, R"(  "feature_flags": {"a": true, "b": "yes"},)"},
       {R"(cfg.json:20:37: /feature_flags/b: expected a boolean, got string "yes")"}},
      {{21, R"(  "enabled": "yes")"},
       {R"(cfg.json:21:14: /enabled: expected a boolean, got string "yes")"}},
      {{21, R"(  "enabled": true, "owner": "me", "api": 1)"},
       {R"(cfg.json:21:42: /api: unknown key "api"; )" + kKeys,
        R"(cfg.json:21:29: /owner: unknown key "owner"; )" + kKeys}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.edit.text);
    EXPECT_EQ(Errors(Edited({c.edit})), c.expected);
  }
}

TEST(AgentConfigTest, RefusesTyposOfKnownKeysButKeepsProviderOptions) {
  // Provider-specific options pass; a key close to one of ours is taken for a typo.
  EXPECT_THAT(Errors(Edited({{18, R"(                 "api_key_env": "K", "top_p": 0.9, )"
                                  R"("response_format": "json"},)"},
                             {19, R"(  "tts_config": {"provider": "c", "voice": "v", )"
                                  R"("language": "en", "sample_rate": 24000},)"}})),
              IsEmpty());
  EXPECT_EQ(Errors(Edited({{18, R"(                 "api_key_env": "K", "max_token": 300, )"
                                R"("temprature": 0.5},)"}})),
            (std::vector<std::string>{
                R"(cfg.json:18:51: /llm_config/max_token: unknown key "max_token" (did you mean )"
                R"("max_tokens"?))",
                R"(cfg.json:18:70: /llm_config/temprature: unknown key "temprature" (did you )"
                R"(mean "temperature"?))"}));
  EXPECT_EQ(
      Errors(Edited({{19, R"(  "tts_config": {"provider": "c", "voice": "v", "sped": 1.5},)"}})),
      (std::vector<std::string>{
          R"(cfg.json:19:57: /tts_config/sped: unknown key "sped" (did you mean "speed"?))"}));
}

TEST(AgentConfigTest, UnknownKeysSuggestTheClosestKnownKey) {
  EXPECT_EQ(Errors(Edited({{4, R"(  "tenant_config": {"tenant_id": "acme", "teir": "pro"},)"},
                           {21, R"(  "enabled": true, "feature_flag": {})"}})),
            (std::vector<std::string>{
                R"(cfg.json:4:50: /tenant_config/teir: unknown key "teir" (did you mean "tier"?))",
                R"(cfg.json:21:36: /feature_flag: unknown key "feature_flag" (did you mean )"
                R"("feature_flags"?))"}));
}

TEST(AgentConfigTest, HiddenTypoInMetadataIsRefusedNotPublished) {
  // "hiden" used to be ignored, leaving the field public.
  EXPECT_EQ(Errors(Edited({{11, R"(     "metadata": {"hiden": true, "category": "internal"}},)"}})),
            (std::vector<std::string>{R"(cfg.json:11:28: /schema_config/fields/2/metadata/hiden: )"
                                      R"(unknown key "hiden" (did you mean "hidden"?))"}));
}

TEST(AgentConfigTest, ReportsEveryErrorAtOnce) {
  EXPECT_THAT(
      Errors(Edited({{2, R"(  "agent_id": "",)"},
                     {10, R"(    {"field_name": "credibility_score", "field_type": "str",)"},
                     {17, R"(  "llm_config": {"provider": "o", "model": "m", "temperature": 2.5,)"},
                     {21, R"(  "enabled": 1)"}})),
      ElementsAre(R"(cfg.json:2:15: /agent_id: expected a non-empty string, got string "")",
                  R"(cfg.json:12:20: /schema_config/fields/3/field_name: expected a unique )"
                  R"(field_name, got string "credibility_score" again (first used at )"
                  "/schema_config/fields/2)",
                  "cfg.json:17:64: /llm_config/temperature: expected a number in [0, 2.0], got "
                  "number 2.5",
                  "cfg.json:21:14: /enabled: expected a boolean, got number 1"));
}

TEST(AgentConfigTest, RequiresSchemaConfig) {
  std::string text(kMinimalAgent);
  const std::string schema_line =
      R"(  "schema_config": {"schema_id": "s",
                    "fields": [{"field_name": "system_response", "field_type": "str"}]},
)";
  text.replace(text.find(schema_line), schema_line.size(), "\n\n");
  EXPECT_THAT(Errors(text), ElementsAre("cfg.json:1:1: /schema_config: expected an object with "
                                        "keys schema_id and fields, got nothing (required key "
                                        "missing)"));
}

TEST(AgentConfigTest, RejectsNonObjectRoot) {
  EXPECT_THAT(Errors("[1, 2]"),
              ElementsAre("cfg.json:1:1: (root): expected an agent config object, got an array"));
  EXPECT_THAT(Errors("  \"agent\""), ElementsAre("cfg.json:1:3: (root): expected an agent config "
                                                 "object, got string \"agent\""));
}

TEST(AgentConfigTest, ReportsSyntaxErrorLocation) {
  Result<AgentConfig> config =
      ParseAgentConfig("cfg.json", "{\"agent_id\": \"a\",\n  \"version\": \"1\" \"x\": 2}");
  ASSERT_FALSE(config.has_value());
  // JsonDocument reports where the parser stopped: the last character of the unexpected "x".
  EXPECT_EQ(config.error().ToString(),
            "INVALID_ARGUMENT: cfg.json:2:20: invalid JSON: syntax error while parsing object - "
            "unexpected string literal; expected '}'");
}

TEST(AgentConfigTest, ParsesFromDocument) {
  Result<JsonDocument> doc = JsonDocument::Parse("doc.json", std::string(kMinimalAgent));
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  Result<AgentConfig> config = ParseAgentConfig(*doc);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->agent_id, "a");
  EXPECT_EQ(config->raw, doc->root());
}

}  // namespace
}  // namespace agentsim
