// End-to-end tests of `agentsim parse --config CONFIG [--lenient] < RAW` (one JSON object on
// stdout; exit 0 structured, 1 fallback, 2 bad input) and `agentsim schema CONFIG`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/app/cli_runner.h"

namespace {

using agentsim::testing::CliResult;
using agentsim::testing::RunCli;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kStrictConfig = AGENTSIM_SOURCE_DIR "/scenarios/configs/interview-strict-v1.json";

std::string TempDir(const std::string& name) { return agentsim::testing::FreshDir("parse_", name); }

// Runs `agentsim parse <args>` with `raw` on stdin, from a fresh folder.
CliResult Parse(const std::string& name, const std::string& raw, const std::string& args) {
  const std::string dir = TempDir(name);
  std::ofstream(dir + "/raw.txt", std::ios::binary) << raw;
  return RunCli("parse " + args + " < raw.txt", dir);
}

std::string Config() { return std::string("--config '") + kStrictConfig + "'"; }

// A copy of interview-strict-v1.json with schema_config.coercion set to `mode`, in `dir`.
std::string ConfigWithCoercion(const std::string& dir, const std::string& mode) {
  std::ifstream in(kStrictConfig);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string anchor = "\"schema_id\": \"interview_v1\",";
  text.replace(text.find(anchor), anchor.size(), anchor + " \"coercion\": \"" + mode + "\",");
  std::ofstream(dir + "/config.json") << text;
  return dir + "/config.json";
}

constexpr const char* kValid =
    R"({"system_response": "Tell me more.", "voice_instructions": "Calm", )"
    R"("internal_assessment": "vague", "credibility_score": 60, "interview_stage": "technical", )"
    R"("sentiment": "neutral"})";

TEST(ParseCliTest, ValidOutputIsStructured) {
  CliResult r = Parse("valid", kValid, Config());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, R"({
  "mode": "strict",
  "outcome": "structured",
  "reason": "ok",
  "detail": "",
  "fields": {
    "credibility_score": 60,
    "internal_assessment": "vague",
    "interview_stage": "technical",
    "sentiment": "neutral",
    "system_response": "Tell me more.",
    "voice_instructions": "Calm"
  },
  "coercions": {},
  "defaults": [],
  "tts": {
    "text": "Tell me more.",
    "voice_instructions": "Calm"
  },
  "room_payload": {
    "credibility_score": 60,
    "interview_stage": "technical",
    "sentiment": "neutral",
    "system_response": "Tell me more.",
    "voice_instructions": "Calm"
  },
  "violations": []
}
)");
}

constexpr const char* kSloppy =
    "Here is the JSON:\n```json\n{\"system_response\": \"Tell me more.\", "
    "\"credibility_score\": \"60\", \"interview_stage\": \"Technical\", \"sentiment\": "
    "\"neutral\",}\n```";

TEST(ParseCliTest, StrictFallsBackWhereLenientRepairs) {
  CliResult strict = Parse("strict", kSloppy, Config());
  EXPECT_EQ(strict.exit_code, 1) << strict.output;
  json s = json::parse(strict.output);
  EXPECT_EQ(s["mode"], "strict");
  EXPECT_EQ(s["outcome"], "fallback");
  EXPECT_EQ(s["reason"], "not_json");
  EXPECT_EQ(s["fields"], nullptr);
  EXPECT_EQ(s["tts"], nullptr);
  EXPECT_EQ(s["room_payload"], nullptr);

  CliResult lenient = Parse("lenient", kSloppy, Config() + " --lenient");
  EXPECT_EQ(lenient.exit_code, 0) << lenient.output;
  json l = json::parse(lenient.output);
  EXPECT_EQ(l["mode"], "lenient");
  EXPECT_EQ(l["outcome"], "structured");
  EXPECT_EQ(l["reason"], "ok");
  EXPECT_EQ(l["coercions"], json::parse(R"({"fenced": 1, "prose_stripped": 1,
      "trailing_comma": 1, "string_to_int": 1, "enum_case": 1})"));
  EXPECT_EQ(l["fields"], json::parse(R"({"system_response": "Tell me more.",
      "credibility_score": 60, "interview_stage": "technical", "sentiment": "neutral"})"));
  EXPECT_EQ(l["tts"], json::parse(R"({"text": "Tell me more.", "voice_instructions": ""})"));
  EXPECT_EQ(l["room_payload"], l["fields"]);
}

TEST(ParseCliTest, TheConfigChoosesTheMode) {
  const std::string dir = TempDir("config_mode");
  const std::string lenient = ConfigWithCoercion(dir, "lenient");
  CliResult r = Parse("config_mode_run", kSloppy, "--config '" + lenient + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(json::parse(r.output)["mode"], "lenient");

  const std::string strict = ConfigWithCoercion(TempDir("config_strict"), "strict");
  CliResult s = Parse("config_strict_run", kSloppy, "--config '" + strict + "'");
  EXPECT_EQ(s.exit_code, 1) << s.output;
  EXPECT_EQ(json::parse(s.output)["mode"], "strict");
}

TEST(ParseCliTest, FallbacksNameTheirReason) {
  struct Case {
    std::string name;
    std::string raw;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty_output"},
      {"blank", std::string(5000, '\n'), "whitespace_only"},
      {"refusal", "I'm sorry, but I can't help with that.", "refusal"},
      {"truncated", R"({"system_response": "Tell me)", "truncated"},
      {"two", std::string(kValid) + "\n" + kValid, "multiple_objects"},
      {"array", "[1, 2]", "not_an_object"},
      {"binary", std::string("\x00\xFF\x01{\"", 5), "truncated"},
      {"invalid", R"({"system_response": "", "credibility_score": 101})", "validation_failed"},
      {"large", std::string(2 * 1024 * 1024, 'x'), "too_large"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    for (const std::string& flag : {std::string(), std::string(" --lenient")}) {
      CliResult r = Parse(c.name, c.raw, Config() + flag);
      EXPECT_EQ(r.exit_code, 1) << r.output;
      json out = json::parse(r.output);
      EXPECT_EQ(out["outcome"], "fallback");
      EXPECT_EQ(out["reason"], c.reason);
      EXPECT_FALSE(out["detail"].get<std::string>().empty());
    }
  }
  CliResult invalid = Parse("violations", R"({"system_response": "", "credibility_score": 101})",
                            Config());
  EXPECT_EQ(json::parse(invalid.output)["violations"], json::parse(R"json([
    {"field": "system_response", "reason": "too_short",
     "message": "expected at least 1 character, got 0"},
    {"field": "credibility_score", "reason": "greater_than_le",
     "message": "expected a value <= 100, got number 101"},
    {"field": "interview_stage", "reason": "missing_required",
     "message": "expected one of \"introduction\", \"experience\", \"technical\", \"closing\", got nothing (required field missing)"},
    {"field": "sentiment", "reason": "missing_required",
     "message": "expected one of \"positive\", \"neutral\", \"negative\", got nothing (required field missing)"}])json"));
}

TEST(ParseCliTest, BadConfigExitsTwo) {
  CliResult missing = Parse("missing", kValid, "--config nothere.json");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_EQ(missing.output, "agentsim: error: no such file: nothere.json\n");

  const std::string dir = TempDir("bad_mode");
  const std::string bad = ConfigWithCoercion(dir, "loose");
  CliResult r = Parse("bad_mode_run", kValid, "--config '" + bad + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("/schema_config/coercion: expected \"strict\" or \"lenient\", "
                                  "got string \"loose\"\n"));

  CliResult usage = Parse("usage", kValid, "");
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  EXPECT_THAT(usage.output, HasSubstr("--config is required"));
}

// A config with a repeated key: the repeat and the rest of the file's problems, for schema and
// parse alike (tester's finding: only the repeat was printed).
TEST(ParseCliTest, RepeatedKeysAreReportedWithTheOtherProblems) {
  const std::string dir = TempDir("repeated");
  std::ifstream in(kStrictConfig);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string anchor = "\"schema_id\": \"interview_v1\",";
  text.replace(text.find(anchor), anchor.size(),
               anchor + " \"coercion\": \"strict\", \"coercion\": \"loose\",");
  const std::string version = "\"version\": \"1.0.0\",";
  text.replace(text.find(version), version.size(), version + " \"version\": 1,");
  std::ofstream(dir + "/config.json") << text;
  for (const std::string command : {"schema config.json", "parse --config config.json < ."}) {
    CliResult r = RunCli(command, dir);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr(": /version: duplicate key: ")) << command;
    EXPECT_THAT(r.output, HasSubstr(": /schema_config/coercion: duplicate key: ")) << command;
    EXPECT_THAT(r.output, HasSubstr(": /schema_config/coercion: expected \"strict\" or "
                                    "\"lenient\", got string \"loose\"\n"))
        << command;
  }
}

// An unreadable stdin (a folder, a closed descriptor) is bad input, not an empty output.
TEST(ParseCliTest, UnreadableStdinExitsTwo) {
  const std::string dir = TempDir("stdin");
  for (const std::string redirect : {"< .", "<&-"}) {
    CliResult r = RunCli(std::string("parse --config '") + kStrictConfig + "' " + redirect, dir);
    EXPECT_EQ(r.exit_code, 2) << redirect << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("agentsim: error: cannot read the raw output from stdin: "))
        << redirect;
    EXPECT_THAT(r.output, Not(HasSubstr("empty_output"))) << redirect;
  }
}

TEST(SchemaCliTest, PrintsTheJsonSchema) {
  CliResult r = RunCli(std::string("schema '") + kStrictConfig + "'", TempDir("schema"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "interview_v1",
  "type": "object",
  "properties": {
    "system_response": {
      "type": "string",
      "minLength": 1,
      "maxLength": 600,
      "description": "Agent's response to the candidate"
    },
    "voice_instructions": {
      "type": "string",
      "description": "TTS tone and pace directives"
    },
    "internal_assessment": {
      "type": "string",
      "description": "Private evaluation of the candidate"
    },
    "credibility_score": {
      "type": "integer",
      "minimum": 0,
      "maximum": 100,
      "description": "How credible the candidate's last answer was"
    },
    "interview_stage": {
      "type": "string",
      "enum": [
        "introduction",
        "experience",
        "technical",
        "closing"
      ],
      "description": "Where the interview is"
    },
    "sentiment": {
      "type": "string",
      "enum": [
        "positive",
        "neutral",
        "negative"
      ],
      "description": "Detected sentiment of the candidate"
    }
  },
  "required": [
    "system_response",
    "credibility_score",
    "interview_stage",
    "sentiment"
  ],
  "additionalProperties": false
}
)");
  CliResult wrapped =
      RunCli(std::string("schema --response-format '") + kStrictConfig + "'", TempDir("format"));
  EXPECT_EQ(wrapped.exit_code, 0) << wrapped.output;
  json format = json::parse(wrapped.output);
  EXPECT_EQ(format["type"], "json_schema");
  EXPECT_EQ(format["json_schema"]["name"], "interview_v1");
  EXPECT_EQ(format["json_schema"]["schema"]["title"], "interview_v1");

  CliResult missing = RunCli("schema nothere.json", TempDir("schema_missing"));
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_EQ(missing.output, "agentsim: error: no such file: nothere.json\n");
}

}  // namespace
