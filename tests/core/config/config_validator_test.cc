#include "core/config/config_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/agent_config.h"

namespace agentsim {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// A valid config; each case replaces whole lines (1-based), so positions in messages are stable.
constexpr std::string_view kBase = R"({
  "agent_id": "interview-strict-v1",
  "version": "1.0.0",
  "tenant_config": {"tenant_id": "acme"},
  "prompt_config": {"system_prompt": "You are a strict interviewer."},
  "schema_config": {"schema_id": "s1", "fields": [
    {"field_name": "system_response", "field_type": "str"},
    {"field_name": "credibility_score", "field_type": "int", "metadata": {"category": "output"}}
  ]},
  "llm_config": {"provider": "openai", "model": "gpt-4o", "temperature": 0.3,
                 "api_key_env": "OPENAI_API_KEY"},
  "tts_config": {"provider": "openai", "voice": "onyx"}
})";

struct LineEdit {
  int line;
  std::string text;
};

std::string Edited(const std::vector<LineEdit>& edits) {
  std::vector<std::string> lines;
  std::stringstream in{std::string(kBase)};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const LineEdit& e : edits) lines.at(e.line - 1) = e.text;
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> Validate(const std::string& text) {
  Result<JsonDocument> doc = JsonDocument::Parse("cfg.json", text);
  EXPECT_TRUE(doc.has_value()) << doc.error().message;
  if (!doc) return {"(syntax error)"};
  return ValidateAgentConfig(*doc);
}

// Line 8 with another name for the second field.
LineEdit FieldName(std::string_view name) {
  return {8, R"(    {"field_name": ")" + std::string(name) +
                 R"(", "field_type": "int", "metadata": {"category": "output"}})"};
}

struct Case {
  const char* name;
  std::vector<LineEdit> edits;
  std::vector<std::string> expected;  // exact message lines
};

class ValidatorCaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidatorCaseTest, ReportsExactlyTheExpectedLines) {
  EXPECT_THAT(Validate(Edited(GetParam().edits)), ElementsAreArray(GetParam().expected));
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

TEST(ConfigValidatorTest, ValidConfigHasNoProblems) {
  EXPECT_THAT(Validate(Edited({})), IsEmpty());
}

// The seed's checks are ParseAgentConfig's (its tests pin their wording): the validator reports
// its lines exactly once, and adds nothing of its own about the same problem.
struct SeedCase {
  const char* name;
  std::vector<LineEdit> edits;
  const char* prefix;  // "file:line:col: /pointer: " of the one expected line
};

class SeedCheckTest : public ::testing::TestWithParam<SeedCase> {};

std::string SeedCaseName(const ::testing::TestParamInfo<SeedCase>& info) { return info.param.name; }

TEST_P(SeedCheckTest, ReportsParseAgentConfigsLineOnce) {
  const std::string text = Edited(GetParam().edits);
  Result<AgentConfig> parsed = ParseAgentConfig("cfg.json", text);
  ASSERT_FALSE(parsed.has_value());
  const std::vector<std::string> lines = Validate(text);
  ASSERT_EQ(lines.size(), 1u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], parsed.error().message);
  EXPECT_TRUE(lines[0].starts_with(GetParam().prefix)) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(
    SeedChecks, SeedCheckTest,
    ::testing::Values(
        SeedCase{"MissingAgentId", {{2, ""}}, "cfg.json:1:1: /agent_id: "},
        SeedCase{"MissingPromptConfig", {{5, ""}}, "cfg.json:1:1: /prompt_config: "},
        SeedCase{"MissingSchemaConfig",
                 {{6, ""}, {7, ""}, {8, ""}, {9, ""}},
                 "cfg.json:1:1: /schema_config: "},
        SeedCase{"MissingLlmConfig", {{10, ""}, {11, ""}}, "cfg.json:1:1: /llm_config: "},
        SeedCase{"FieldNameNotIdentifier",
                 {FieldName("credibility-score")},
                 "cfg.json:8:20: /schema_config/fields/1/field_name: "},
        SeedCase{"FieldTypeNotWhitelisted",
                 {{8, R"(    {"field_name": "credibility_score", "field_type": "set[int]"})"}},
                 "cfg.json:8:55: /schema_config/fields/1/field_type: "},
        SeedCase{"TemperatureAbove2",
                 {{10, R"(  "llm_config": {"provider": "openai", "model": "gpt-4o", )"
                       R"("temperature": 2.5,)"}},
                 "cfg.json:10:74: /llm_config/temperature: "},
        SeedCase{
            "ApiKeyValueIsAnOpenAiKey",
            {{11, R"(                 "api_key": "sk-proj-abcdefghijklmnopqrstuvwxyz0123"},)"}},
            "cfg.json:11:29: /llm_config/api_key: "}),
    SeedCaseName);

INSTANTIATE_TEST_SUITE_P(
    FieldNames, ValidatorCaseTest,
    ::testing::Values(
        Case{"SnakeCaseWithDigits", {FieldName("score_2_of_10")}, {}},
        Case{"SoftKeywordsAllowed", {FieldName("match")}, {}},
        Case{"TypeAllowed", {FieldName("type")}, {}},
        Case{"PascalCase",
             {FieldName("CredibilityScore")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a snake_case field "
              "name ([a-z][a-z0-9]*(_[a-z0-9]+)*), got string \"CredibilityScore\""}},
        Case{"DoubleUnderscore",
             {FieldName("credibility__score")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a snake_case field "
              "name ([a-z][a-z0-9]*(_[a-z0-9]+)*), got string \"credibility__score\""}},
        Case{"LeadingUnderscore",
             {FieldName("_score")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a snake_case field "
              "name ([a-z][a-z0-9]*(_[a-z0-9]+)*), got string \"_score\""}},
        Case{"Dunder",
             {FieldName("__init__")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a field name that is "
              "not a dunder name (__name__), got string \"__init__\""}},
        Case{"PythonKeyword",
             {FieldName("lambda")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a field name that is "
              "not a keyword, got string \"lambda\" (a Python keyword)"}},
        Case{"CppKeyword",
             {FieldName("template")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a field name that is "
              "not a keyword, got string \"template\" (a C++ keyword)"}},
        Case{"CppAlternativeToken",
             {FieldName("xor")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a field name that is "
              "not a keyword, got string \"xor\" (a C++ keyword)"}},
        Case{"PythonAndCppKeyword",
             {FieldName("class")},
             {"cfg.json:8:20: /schema_config/fields/1/field_name: expected a field name that is "
              "not a keyword, got string \"class\" (a Python and C++ keyword)"}}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    VersionAndAgentId, ValidatorCaseTest,
    ::testing::Values(
        Case{"PrereleaseAndBuild", {{3, R"(  "version": "1.4.0-rc.1+build.7",)"}}, {}},
        Case{"VariantOfSeveralSegments",
             {{2, R"(  "agent_id": "customer-service-general-v1",)"}},
             {}},
        Case{"MajorZero",
             {{2, R"(  "agent_id": "interview-strict-v0",)"}, {3, R"(  "version": "0.3.1",)"}},
             {}},
        Case{"VersionNotSemVer",
             {{3, R"(  "version": "1.0",)"}},
             {"cfg.json:3:14: /version: expected a SemVer 2.0.0 version "
              "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], got string \"1.0\" (missing patch)"}},
        Case{"VersionLooseForm",
             {{3, R"(  "version": "v1.0.0",)"}},
             {"cfg.json:3:14: /version: expected a SemVer 2.0.0 version "
              "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], got string \"v1.0.0\" (prefix 'v' is not "
              "allowed: a node-semver loose form)"}},
        Case{"VersionLeadingZero",
             {{3, R"(  "version": "1.01.0",)"}},
             {"cfg.json:3:14: /version: expected a SemVer 2.0.0 version "
              "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], got string \"1.01.0\" (leading zero in "
              "minor)"}},
        Case{"AgentIdWithoutVariant",
             {{2, R"(  "agent_id": "interview-v1",)"}},
             {"cfg.json:2:15: /agent_id: expected an agent id <agent-type>-<variant>-v<major> of "
              "lowercase letters, digits and '-' (e.g. \"interview-strict-v1\"), got string "
              "\"interview-v1\" (missing the variant)"}},
        Case{"AgentIdUppercase",
             {{2, R"(  "agent_id": "Interview-strict-v1",)"}},
             {"cfg.json:2:15: /agent_id: expected an agent id <agent-type>-<variant>-v<major> of "
              "lowercase letters, digits and '-' (e.g. \"interview-strict-v1\"), got string "
              "\"Interview-strict-v1\" (uppercase 'I')"}},
        Case{"AgentIdWithoutMajor",
             {{2, R"(  "agent_id": "interview-strict",)"}},
             {"cfg.json:2:15: /agent_id: expected an agent id <agent-type>-<variant>-v<major> of "
              "lowercase letters, digits and '-' (e.g. \"interview-strict-v1\"), got string "
              "\"interview-strict\" (missing the -v<major> suffix)"}},
        Case{"AgentIdMajorLeadingZero",
             {{2, R"(  "agent_id": "interview-strict-v01",)"}},
             {"cfg.json:2:15: /agent_id: expected an agent id <agent-type>-<variant>-v<major> of "
              "lowercase letters, digits and '-' (e.g. \"interview-strict-v1\"), got string "
              "\"interview-strict-v01\" (leading zero in the major)"}},
        Case{"AgentIdMajorDiffersFromVersion",
             {{3, R"(  "version": "2.0.0",)"}},
             {"cfg.json:2:15: /agent_id: expected an agent id ending in -v2 (the major of version "
              "\"2.0.0\"), got string \"interview-strict-v1\""}}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Secrets, ValidatorCaseTest,
    ::testing::Values(
        // Provider-specific llm_config keys are allowed, so a secret can hide there.
        Case{"EmptySecretKeyAllowed",
             {{10, R"(  "llm_config": {"provider": "openai", "model": "gpt-4o", "temperature": 0.3, )"
                   R"("token": "",)"}},
             {}},
        Case{"SecretKeyWithValue",
             {{10, R"(  "llm_config": {"provider": "openai", "model": "gpt-4o", "temperature": 0.3, )"
                   R"("token": "hunter2hunter2",)"}},
             {"cfg.json:10:88: /llm_config/token: expected no inline secret "
              "(name an environment variable in a key ending in _env), got a non-empty string "
              "under a secret's key (value not shown)"}},
        Case{"CredentialInPrompt",
             {{5, R"(  "prompt_config": {"system_prompt": "Use AKIAIOSFODNN7EXAMPLE for S3."},)"}},
             {"cfg.json:5:38: /prompt_config/system_prompt: expected no inline secret (name an "
              "environment variable in a key ending in _env), got a string that looks like an "
              "AWS access key id (value not shown)"}},
        Case{"ApiKeyEnvNotAnEnvironmentVariable",
             {{11, R"(                 "api_key_env": "openai-key"},)"}},
             {"cfg.json:11:33: /llm_config/api_key_env: expected the name of an environment "
              "variable ([A-Z_][A-Z0-9_]*), got a string (value not shown)"}},
        Case{"ApiKeyEnvEmpty",
             {{11, R"(                 "api_key_env": ""},)"}},
             {"cfg.json:11:33: /llm_config/api_key_env: expected the name of an environment "
              "variable ([A-Z_][A-Z0-9_]*), got an empty string (omit the key when there is no "
              "secret)"}},
        Case{
            "ApiKeyEnvHoldingAKey",
            {{11, R"(                 "api_key_env": "sk-proj-abcdefghijklmnopqrstuvwxyz0123"},)"}},
            {"cfg.json:11:33: /llm_config/api_key_env: expected no inline secret (name an "
             "environment variable in a key ending in _env), got a string that looks like an "
             "API key (sk-...) (value not shown)"}}),
    CaseName);

TEST(ConfigValidatorTest, ReportsEveryProblemAtOnceInAStableOrder) {
  const std::string text = Edited({{2, R"(  "agent_id": "interview-v1",)"},
                                   {3, R"(  "version": "1.0",)"},
                                   FieldName("Score"),
                                   {11, R"(                 "api_key_env": "k"},)"}});
  const std::vector<std::string> first = Validate(text);
  EXPECT_EQ(first.size(), 4u);
  EXPECT_THAT(first[0], ::testing::HasSubstr("/agent_id:"));
  EXPECT_THAT(first[1], ::testing::HasSubstr("/version:"));
  EXPECT_THAT(first[2], ::testing::HasSubstr("/schema_config/fields/1/field_name:"));
  EXPECT_THAT(first[3], ::testing::HasSubstr("/llm_config/api_key_env:"));
  EXPECT_EQ(Validate(text), first);
}

TEST(ConfigValidatorTest, ParseAgentConfigLinesComeFirst) {
  const std::vector<std::string> lines =
      Validate(Edited({{3, R"(  "version": "1.0",)"}, {12, R"(  "tts_config": {})"}}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], ::testing::HasSubstr("/tts_config/provider:"));
  EXPECT_THAT(lines[1], ::testing::HasSubstr("/tts_config/voice:"));
  EXPECT_THAT(lines[2], ::testing::HasSubstr("/version:"));
}

TEST(ConfigValidatorTest, NonObjectRootIsOneProblem) {
  EXPECT_THAT(Validate("[1, 2]"),
              ElementsAreArray({"cfg.json:1:1: (root): expected an agent config object, got an "
                                "array"}));
}

TEST(ConfigValidatorTest, RefusesNestingDeeperThan64LevelsAndSurvivesAnyDepth) {
  EXPECT_THAT(Validate(std::string(64, '[') + std::string(64, ']')),
              ElementsAreArray({"cfg.json:1:1: (root): expected an agent config object, got an "
                                "array"}));
  std::string pointer;
  for (int i = 0; i < 64; ++i) pointer += "/0";
  EXPECT_THAT(Validate(std::string(65, '[') + std::string(65, ']')),
              ElementsAreArray({"cfg.json:1:65: " + pointer +
                                ": expected at most 64 levels of nested arrays and objects, got "
                                "more (nothing else checked)"}));
  // Deep inside the document, after its other keys (LocatePointer would recurse through it).
  std::string deep_pointer = "/x";
  for (int i = 0; i < 63; ++i) deep_pointer += "/0";
  EXPECT_THAT(Validate(Edited({{12, R"(  "tts_config": {"provider": "openai", "voice": "onyx"}, )"
                                    R"("x": )" +
                                        std::string(200, '[') + std::string(200, ']')}})),
              ElementsAreArray({"cfg.json:12:126: " + deep_pointer +
                                ": expected at most 64 levels of nested arrays and objects, got "
                                "more (nothing else checked)"}));
  // Deeper than JsonDocument's own limit (256): refused by the parser, with its position.
  Result<JsonDocument> too_deep = JsonDocument::Parse(
      "cfg.json", std::string(100000, '[') + std::string(100000, ']'));
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().message, "cfg.json:1:257: nesting deeper than 256 levels");
  // Brackets in strings and comments do not count.
  const std::vector<std::string> shallow = Validate(
      Edited({{12, R"(  "tts_config": {"provider": "openai", "voice": "onyx"}, )"
                   R"("y": ")" +
                       std::string(100, '[') + R"(" /* )" + std::string(100, '{') + " */"}}));
  ASSERT_EQ(shallow.size(), 1u);
  EXPECT_THAT(shallow[0], ::testing::StartsWith("cfg.json:12:63: /y: unknown key"));
}

// DescribeJson throws when its truncation splits a UTF-8 sequence; the validator still answers.
TEST(ConfigValidatorTest, SurvivesLongNonAsciiValuesInMessages) {
  std::string accents;
  for (int i = 0; i < 30; ++i) accents += "\u00e9";  // "é", two bytes in UTF-8
  const std::vector<std::string> lines = Validate(
      Edited({{2, R"(  "agent_id": ")" + accents + R"(",)"},
              {4, R"(  "tenant_config": {"tenant_id": "acme", "tier": ")" + accents + R"("},)"}}));
  EXPECT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_TRUE(line.starts_with("cfg.json:")) << line;
}

// Secrets planted where ParseAgentConfig and the validator would otherwise echo them.
TEST(ConfigValidatorTest, NeverEchoesASecretValue) {
  const std::string secrets[] = {
      "sk-proj-Zq8vXw3rT5yU7iO9pA1sD2fG4hJ6kL8m",
      "ghp_Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc2Vb4",
      "AKIAZ7Q3EXAMPLEKEY99",
      "xoxb-1234567890-abcdefghijklmnop",
      "correct-horse-battery-staple",
  };
  for (const std::string& secret : secrets) {
    SCOPED_TRACE(secret);
    const std::string text = Edited({
        {2, R"(  "agent_id": ")" + secret + R"(",)"},
        {3, R"(  "version": ")" + secret + R"(",)"},
        {4, R"(  "tenant_config": {"tenant_id": "acme", "tier": ")" + secret + R"(",
              "password": ")" +
                secret + R"("},)"},
        {5, R"(  "prompt_config": {"system_prompt": "key: )" + secret + R"("},)"},
        FieldName(secret),
        {10, R"(  "llm_config": {"provider": "openai", "model": "gpt-4o", "temperature": ")" +
                 secret + R"(",)"},
        {11, R"(                 "api_key": ")" + secret + R"(", "api_key_env": ")" + secret +
                 R"("},)"},
        {12, R"(  "tts_config": {"provider": "openai", "voice": "onyx", "secret": ")" + secret +
                 R"("})"},
    });
    const std::vector<std::string> lines = Validate(text);
    EXPECT_GE(lines.size(), 8u);
    for (const std::string& line : lines) {
      EXPECT_EQ(line.find(secret.substr(0, 10)), std::string::npos) << line;
    }
  }
}

TEST(ConfigValidatorTest, ShippedConfigsValidateClean) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(AGENTSIM_SOURCE_DIR "/scenarios/configs")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    Result<JsonDocument> doc = JsonDocument::Parse(entry.path().string(), text.str());
    ASSERT_TRUE(doc.has_value()) << doc.error().message;
    EXPECT_THAT(ValidateAgentConfig(*doc), IsEmpty()) << entry.path();
  }
  EXPECT_GE(files, 3);
}

TEST(NamesSecretTest, KeysThatNameSecrets) {
  for (const char* key :
       {"api_key", "apiKey", "APIKey", "OPENAI_API_KEY", "apikey", "secret", "client_secret",
        "password", "db_password", "passwd", "token", "access_token", "refreshToken", "authtoken",
        "private_key", "privateKey", "aws_secret_access_key", "credentials", "x-api-key"}) {
    EXPECT_TRUE(NamesSecret(key)) << key;
  }
  for (const char* key : {"api_key_env", "token_env", "apiKeyEnv", "max_tokens", "token_limit",
                          "tokenizer", "secret_name", "key", "keys", "password_hint",
                          "aws_access_key_id", "voice", "schema_id", ""}) {
    EXPECT_FALSE(NamesSecret(key)) << key;
  }
}

TEST(CredentialKindTest, RecognisesCommonCredentialShapes) {
  const std::pair<const char*, const char*> cases[] = {
      {"sk-abcdefghijklmnopqrstuvwxyz012345", "an API key (sk-...)"},
      {"sk-proj-abcdefghijklmnopqrstuvwxyz01", "an API key (sk-...)"},
      {"AKIAIOSFODNN7EXAMPLE", "an AWS access key id"},
      {"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a GitHub token"},
      {"github_pat_11ABCDEFG0123456789_abcdefghij", "a GitHub token"},
      {"xoxb-123456789012-abcdefghijkl", "a Slack token"},
      {"AIzaSyA-abcdefghijklmnopqrstuvwxyz012345", "a Google API key"},
      {"Authorization: Bearer abcdef0123456789abcdef", "a bearer token"},
      {"-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "a PEM private key"},
      {"-----BEGIN PRIVATE KEY-----", "a PEM private key"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "a JSON Web Token"},
      {"sk_live_abcdefghijklmnop0123", "a Stripe secret key"},
      {"postgres://admin:s3cret@db.internal:5432/app", "a URL with a password"},
  };
  for (const auto& [value, kind] : cases) {
    EXPECT_EQ(CredentialKind(value), std::optional<std::string>(kind)) << value;
  }
  for (const char* value :
       {"", "You are a strict technical interviewer.", "ask-me-anything-about-the-company-today",
        "task-force", "sk-short", "OPENAI_API_KEY", "Bearer tokens expire", "AKIA-not-a-key",
        "https://example.com/path", "-----BEGIN PUBLIC KEY-----", "interview-strict-v1"}) {
    EXPECT_EQ(CredentialKind(value), std::nullopt) << value;
  }
  // Long inputs do not exhaust the stack (bounded quantifiers).
  EXPECT_EQ(CredentialKind(std::string(20000, 'a')), std::nullopt);
  EXPECT_TRUE(CredentialKind(std::string(10000, ' ') + "sk-" + std::string(10000, 'a')));
}

// The hand-written agent_id check agrees with the documented regex.
TEST(ConfigValidatorTest, AgentIdCheckAgreesWithTheRegex) {
  const std::regex grammar("^[a-z][a-z0-9]*(-[a-z0-9]+)+-v(0|[1-9][0-9]*)$");
  for (const char* id :
       {"interview-strict-v1", "sales-enterprise-v2", "customer-service-general-v10", "a-b-v0",
        "a1-2-v3", "interview-v1", "interview-strict", "interview-strict-v", "interview-strict-v01",
        "Interview-strict-v1", "1nterview-strict-v1", "-strict-v1", "interview--v1",
        "interview-strict-v1-", "interview_strict-v1", "interview-strict-V1", "interview-v2-v3",
        "v1", "x-y-v1a"}) {
    const std::string text = Edited({{2, R"(  "agent_id": ")" + std::string(id) + R"(",)"}});
    bool valid = true;
    for (const std::string& line : Validate(text)) {
      if (line.find("/agent_id: expected an agent id <agent-type>") != std::string::npos) {
        valid = false;
      }
    }
    EXPECT_EQ(valid, std::regex_match(id, grammar)) << id;
  }
}

}  // namespace
}  // namespace agentsim
