// End-to-end tests of `agentsim configs ...`: the persistent config store from the command line,
// its exit codes (0 ok, 1 audit verification failed, 2 bad input or refused, 3 permission
// denied), its output, and the audit log's tamper evidence (the file is edited with the sqlite3
// command-line shell).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/cli_runner.h"

namespace {

using agentsim::testing::CliResult;
using agentsim::testing::RunCli;
using agentsim::testing::RunShell;

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string TempDir(const std::string& name) {
  return agentsim::testing::FreshDir("configs_cli_", name);
}

// Audit and versions lines carry wall-clock times: replaced by "TIME".
std::string WithoutTimes(const std::string& text) {
  static const std::regex kTime("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  return std::regex_replace(text, kTime, "TIME");
}

// A shipped config (comments allowed there), parsed.
json ShippedConfig(const std::string& name) {
  std::ifstream in(AGENTSIM_SOURCE_DIR "/scenarios/configs/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, true, /*ignore_comments=*/true);
}

void WriteJson(const std::string& path, const json& doc) { std::ofstream(path) << doc.dump(2); }

// In `dir`: strict.json (interview-strict-v1 1.0.0, tenant acme-hr), friendly.json
// (interview-friendly-v1 1.0.0, acme-hr), compatible.json (strict 1.1.0: an optional field with a
// default, temperature 0.9 — the seed's example), breaking.json (strict 1.1.0: credibility_score
// le 100 -> 50), v2.json (the same change as interview-strict-v2 2.0.0) and globex.json
// (customer-service-general-v1, tenant globex-support).
void WriteConfigs(const std::string& dir) {
  const json strict = ShippedConfig("interview-strict-v1");
  WriteJson(dir + "/strict.json", strict);
  WriteJson(dir + "/friendly.json", ShippedConfig("interview-friendly-v1"));
  WriteJson(dir + "/globex.json", ShippedConfig("customer-service-general-v1"));
  json compatible = strict;
  compatible["version"] = "1.1.0";
  compatible["llm_config"]["temperature"] = 0.9;
  compatible["schema_config"]["fields"].push_back(
      {{"field_name", "new_metric"}, {"field_type", "int"}, {"required", false}, {"default", 0}});
  WriteJson(dir + "/compatible.json", compatible);
  json breaking = strict;
  breaking["version"] = "1.1.0";
  breaking["schema_config"]["fields"][3]["constraints"]["le"] = 50;
  WriteJson(dir + "/breaking.json", breaking);
  breaking["agent_id"] = "interview-strict-v2";
  breaking["version"] = "2.0.0";
  WriteJson(dir + "/v2.json", breaking);
}

constexpr const char* kAdmin = " --store s.db --as ana:admin:acme-hr";
constexpr const char* kDeveloper = " --store s.db --as dev:developer:acme-hr";
constexpr const char* kViewer = " --store s.db --as vic:viewer:acme-hr";
constexpr const char* kGlobex = " --store s.db --as gus:admin:globex-support";

TEST(ConfigsCliTest, PutListGetAndVersions) {
  const std::string dir = TempDir("put");
  WriteConfigs(dir);
  CliResult put = RunCli(std::string("configs put strict.json friendly.json") + kAdmin, dir);
  ASSERT_EQ(put.exit_code, 0) << put.output;
  EXPECT_EQ(put.output,
            "created interview-strict-v1 1.0.0 (tenant acme-hr)\n"
            "created interview-friendly-v1 1.0.0 (tenant acme-hr)\n");
  ASSERT_EQ(RunCli(std::string("configs put globex.json") + kGlobex, dir).exit_code, 0);

  CliResult list = RunCli(std::string("configs list") + kViewer, dir);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output,
            "agent_id                         tenant           current    versions\n"
            "interview-friendly-v1            acme-hr          1.0.0      1\n"
            "interview-strict-v1              acme-hr          1.0.0      1\n");
  // Each tenant sees only its own agents.
  CliResult globex = RunCli(std::string("configs list") + kGlobex, dir);
  EXPECT_EQ(globex.exit_code, 0) << globex.output;
  EXPECT_EQ(globex.output,
            "agent_id                         tenant           current    versions\n"
            "customer-service-general-v1      globex-support   1.0.0      1\n");

  CliResult get = RunCli(std::string("configs get interview-strict-v1") + kViewer, dir);
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_EQ(json::parse(get.output), ShippedConfig("interview-strict-v1"));
  EXPECT_THAT(get.output, HasSubstr("\n  \"version\": \"1.0.0\"\n"));  // indented by 2

  CliResult versions =
      RunCli(std::string("configs versions interview-strict-v1") + kDeveloper, dir);
  EXPECT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_EQ(WithoutTimes(versions.output),
            "version      enabled  deprecated  created_at            created_by\n"
            "1.0.0        true     false       TIME  ana\n");
}

TEST(ConfigsCliTest, ExitCodesForDeniedRefusedAndBadInput) {
  const std::string dir = TempDir("exit_codes");
  WriteConfigs(dir);
  ASSERT_EQ(RunCli(std::string("configs put strict.json") + kAdmin, dir).exit_code, 0);

  struct Case {
    const char* args;
    int exit_code;
    const char* output;  // exact
  };
  const std::vector<Case> cases = {
      // Permission denied: 3.
      {"configs put compatible.json --store s.db --as dev:developer:acme-hr", 3,
       "compatible.json:\nagentsim: error: user dev (developer) lacks create_agent\n"},
      {"configs disable interview-strict-v1 1.0.0 --store s.db --as vic:viewer:acme-hr", 3,
       "agentsim: error: user vic (viewer) lacks update_agent\n"},
      {"configs deprecate interview-strict-v1 1.0.0 --store s.db --as vic:viewer:acme-hr", 3,
       "agentsim: error: user vic (viewer) lacks update_agent\n"},
      {"configs get interview-strict-v1 --store s.db --as gus:admin:globex-support", 3,
       "agentsim: error: user gus of tenant globex-support cannot act on tenant acme-hr\n"},
      {"configs versions interview-strict-v1 --store s.db --as gus:admin:globex-support", 3,
       "agentsim: error: user gus of tenant globex-support cannot act on tenant acme-hr\n"},
      {"configs enable interview-strict-v1 1.0.0 --store s.db --as gus:admin:globex-support", 3,
       "agentsim: error: user gus of tenant globex-support cannot act on tenant acme-hr\n"},
      // Refused: 2.
      {"configs put strict.json --store s.db --as ana:admin:acme-hr", 2,
       "strict.json:\nagentsim: error: agent interview-strict-v1 version 1.0.0 exists; versions "
       "are immutable: create a new version\n"},
      {"configs put breaking.json --store s.db --as ana:admin:acme-hr", 2,
       "breaking.json:\nagentsim: error: version 1.0.0 -> 1.1.0 makes 1 breaking change to the "
       "schema without a major version bump:\n"
       "  credibility_score: constraint_tightened: le 100 -> 50: outputs valid before (e.g. 75) "
       "are now refused\n"
       "bump the major version: publish 2.0.0 as a new agent, agent_id interview-strict-v2\n"},
      // Bad input: 2.
      {"configs put nothere.json --store s.db --as ana:admin:acme-hr", 2,
       "agentsim: error: no such file: nothere.json\n"},
      {"configs get nobody-x-v1 --store s.db --as ana:admin:acme-hr", 2,
       "agentsim: error: no config for agent nobody-x-v1\n"},
      {"configs get interview-strict-v1 --version 9.9.9 --store s.db --as ana:admin:acme-hr", 2,
       "agentsim: error: no version 9.9.9 of interview-strict-v1\n"},
      {"configs deprecate interview-strict-v1 9.9.9 --store s.db --as ana:admin:acme-hr", 2,
       "agentsim: error: no version 9.9.9 of agent interview-strict-v1\n"},
      {"configs list --store s.db --as ana:root:acme-hr", 2,
       "agentsim: error: --as: unknown role \"root\": expected admin, developer or viewer\n"},
      {"configs list --store s.db --as ana:admin", 2,
       "agentsim: error: --as: expected USER:ROLE:TENANT (e.g. ana:admin:acme-hr), got "
       "'ana:admin'\n"},
      {"configs list --store s.db --as ::acme-hr", 2,
       "agentsim: error: --as: unknown role \"\": expected admin, developer or viewer\n"},
      {"configs list --store strict.json --as ana:admin:acme-hr", 2,
       "agentsim: error: strict.json: not an agentsim config store (not an SQLite database)\n"},
  };
  for (const Case& c : cases) {
    CliResult r = RunCli(c.args, dir);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output, c.output) << c.args;
  }
  // Usage errors (CLI11): 2.
  EXPECT_EQ(RunCli("configs list --store s.db", dir).exit_code, 2);
  EXPECT_EQ(RunCli("configs put strict.json --as ana:admin:acme-hr", dir).exit_code, 2);
  EXPECT_EQ(RunCli("configs frobnicate --store s.db", dir).exit_code, 2);
  // Nothing above changed the store.
  CliResult versions = RunCli(std::string("configs versions interview-strict-v1") + kAdmin, dir);
  EXPECT_EQ(WithoutTimes(versions.output),
            "version      enabled  deprecated  created_at            created_by\n"
            "1.0.0        true     false       TIME  ana\n");
}

TEST(ConfigsCliTest, PutReportsEveryValidationProblemAtFileLineColumn) {
  const std::string dir = TempDir("put_invalid");
  std::ofstream(dir + "/bad.json")
      << "{\"agent_id\": \"interview-strict-v1\", \"version\": \"1.0.0\",\n"
         " \"tenant_config\": {\"tenant_id\": \"acme-hr\"},\n"
         " \"prompt_config\": {\"system_prompt\": \"Ask.\"},\n"
         " \"schema_config\": {\"schema_id\": \"s\", \"fields\": [\n"
         "   {\"field_name\": \"system_response\", \"field_type\": \"str\", \"required\": "
         "true}]},\n"
         " \"llm_config\": {\"provider\": \"openai\", \"model\": \"m\", \"temperature\": 3},\n"
         " \"tts_config\": {\"provider\": \"openai\", \"voice\": \"onyx\", \"token\": "
         "\"xoxb-1\"}}\n";
  CliResult r = RunCli(std::string("configs put bad.json") + kAdmin, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output,
            "bad.json:\n"
            "agentsim: error: bad.json:6:68: /llm_config/temperature: expected a number in [0, "
            "2.0], got number 3\n"
            "bad.json:7:65: /tts_config/token: expected no inline secret (name an environment "
            "variable in a key ending in _env), got a non-empty string under a secret's key "
            "(value not shown)\n");
  EXPECT_THAT(r.output, Not(HasSubstr("xoxb-1")));
  CliResult audit = RunCli("configs audit --store s.db", dir);
  EXPECT_THAT(audit.output, HasSubstr(" ana(admin) acme-hr create_agent_config interview-strict-v1 "
                                      "1.0.0 refused (patch: 0 ops): config:6:68: /llm_config/"
                                      "temperature: expected a number in [0, 2.0], got number "
                                      "3\n      config:7:65: /tts_config/token: "));
}

TEST(ConfigsCliTest, EnableDisableDeprecateAndCurrentVersion) {
  const std::string dir = TempDir("flags");
  WriteConfigs(dir);
  ASSERT_EQ(RunCli(std::string("configs put strict.json") + kAdmin, dir).exit_code, 0);

  CliResult disable =
      RunCli(std::string("configs disable interview-strict-v1 1.0.0") + kDeveloper, dir);
  EXPECT_EQ(disable.exit_code, 0) << disable.output;
  EXPECT_EQ(disable.output, "disabled interview-strict-v1 1.0.0\n");
  CliResult get = RunCli(std::string("configs get interview-strict-v1") + kViewer, dir);
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_EQ(json::parse(get.output)["enabled"], false);  // the flag as it is now
  CliResult enable =
      RunCli(std::string("configs enable interview-strict-v1 1.0.0") + kDeveloper, dir);
  EXPECT_EQ(enable.exit_code, 0) << enable.output;
  EXPECT_EQ(enable.output, "enabled interview-strict-v1 1.0.0\n");
  EXPECT_EQ(
      json::parse(
          RunCli(std::string("configs get interview-strict-v1") + kViewer, dir).output)["enabled"],
      true);

  CliResult put = RunCli(std::string("configs put compatible.json v2.json") + kAdmin, dir);
  EXPECT_EQ(put.exit_code, 0) << put.output;
  EXPECT_EQ(put.output,
            "created interview-strict-v1 1.1.0 (tenant acme-hr)\n"
            "created interview-strict-v2 2.0.0 (tenant acme-hr)\n");
  EXPECT_EQ(
      json::parse(
          RunCli(std::string("configs get interview-strict-v1") + kViewer, dir).output)["version"],
      "1.1.0");

  CliResult deprecate =
      RunCli(std::string("configs deprecate interview-strict-v1 1.1.0") + kDeveloper, dir);
  EXPECT_EQ(deprecate.exit_code, 0) << deprecate.output;
  EXPECT_EQ(deprecate.output, "deprecated interview-strict-v1 1.1.0\n");
  EXPECT_EQ(
      json::parse(
          RunCli(std::string("configs get interview-strict-v1") + kViewer, dir).output)["version"],
      "1.0.0");
  CliResult old =
      RunCli(std::string("configs get interview-strict-v1 --version 1.1.0") + kViewer, dir);
  ASSERT_EQ(old.exit_code, 0) << old.output;
  EXPECT_EQ(json::parse(old.output)["llm_config"]["temperature"], 0.9);
  EXPECT_EQ(WithoutTimes(
                RunCli(std::string("configs versions interview-strict-v1") + kViewer, dir).output),
            "version      enabled  deprecated  created_at            created_by\n"
            "1.0.0        true     false       TIME  ana\n"
            "1.1.0        true     true        TIME  ana\n");
  EXPECT_EQ(RunCli(std::string("configs list") + kViewer, dir).output,
            "agent_id                         tenant           current    versions\n"
            "interview-strict-v1              acme-hr          1.0.0      2\n"
            "interview-strict-v2              acme-hr          2.0.0      1\n");

  ASSERT_EQ(
      RunCli(std::string("configs deprecate interview-strict-v1 1.0.0") + kAdmin, dir).exit_code,
      0);
  CliResult none = RunCli(std::string("configs get interview-strict-v1") + kViewer, dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.output, "agentsim: error: every version of interview-strict-v1 is deprecated\n");
  EXPECT_THAT(RunCli(std::string("configs list") + kViewer, dir).output,
              HasSubstr("interview-strict-v1              acme-hr          -          2\n"));
}

TEST(ConfigsCliTest, DiffFilesAndStoredVersions) {
  const std::string dir = TempDir("diff");
  WriteConfigs(dir);
  // The seed's example: compatible, no store needed.
  CliResult files = RunCli("configs diff strict.json compatible.json", dir);
  EXPECT_EQ(files.exit_code, 0) << files.output;
  EXPECT_EQ(files.output,
            "compatible new_metric: field_added_optional_with_default: optional int field added "
            "with default 0: every output valid before is still valid\n"
            "config     llm_config/temperature: 0.3 -> 0.9\n"
            "config     version: \"1.0.0\" -> \"1.1.0\"\n"
            "verdict: compatible (1 schema change, none breaking; 2 other changes): no major "
            "version bump needed\n");
  CliResult breaking = RunCli("configs diff strict.json breaking.json", dir);
  EXPECT_EQ(breaking.exit_code, 0) << breaking.output;
  EXPECT_EQ(breaking.output,
            "BREAKING   credibility_score: constraint_tightened: le 100 -> 50: outputs valid "
            "before (e.g. 75) are now refused\n"
            "config     version: \"1.0.0\" -> \"1.1.0\"\n"
            "verdict: breaking (1 of 1 schema change): needs a major version bump and a new "
            "agent_id ...-v<major>\n");

  ASSERT_EQ(RunCli(std::string("configs put strict.json v2.json") + kAdmin, dir).exit_code, 0);
  CliResult stored =
      RunCli("configs diff interview-strict-v1@1.0.0 interview-strict-v2@2.0.0 --store s.db", dir);
  EXPECT_EQ(stored.exit_code, 0) << stored.output;
  EXPECT_EQ(stored.output,
            "BREAKING   credibility_score: constraint_tightened: le 100 -> 50: outputs valid "
            "before (e.g. 75) are now refused\n"
            "config     agent_id: \"interview-strict-v1\" -> \"interview-strict-v2\"\n"
            "config     version: \"1.0.0\" -> \"2.0.0\"\n"
            "verdict: breaking (1 of 1 schema change): needs a major version bump and a new "
            "agent_id ...-v<major>\n");
  // A stored version against a file.
  CliResult mixed =
      RunCli("configs diff interview-strict-v1@1.0.0 compatible.json --store s.db", dir);
  EXPECT_EQ(mixed.exit_code, 0) << mixed.output;
  EXPECT_EQ(mixed.output, files.output);

  CliResult missing =
      RunCli("configs diff interview-strict-v1@9.9.9 strict.json --store s.db", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.output, "agentsim: error: no version 9.9.9 of agent interview-strict-v1\n");
  CliResult no_store = RunCli("configs diff interview-strict-v1@1.0.0 strict.json", dir);
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_EQ(no_store.output, "agentsim: error: no such file: interview-strict-v1@1.0.0\n");
  EXPECT_EQ(RunCli("configs diff strict.json", dir).exit_code, 2);  // needs OLD and NEW
}

// In `dir`: a store s.db whose audit log holds these five entries.
void MakeAuditedStore(const std::string& dir) {
  WriteConfigs(dir);
  ASSERT_EQ(RunCli(std::string("configs put strict.json friendly.json") + kAdmin, dir).exit_code,
            0);
  ASSERT_EQ(
      RunCli(std::string("configs disable interview-strict-v1 1.0.0") + kDeveloper, dir).exit_code,
      0);
  ASSERT_EQ(RunCli(std::string("configs put breaking.json") + kAdmin, dir).exit_code, 2);
  ASSERT_EQ(RunCli(std::string("configs versions interview-strict-v1") + kGlobex, dir).exit_code,
            3);
}

constexpr const char* kAuditLines =
    "   1 TIME ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 ok (patch: 9 ops)\n"
    "   2 TIME ana(admin) acme-hr create_agent_config interview-friendly-v1 1.0.0 ok (patch: 9 "
    "ops)\n"
    "   3 TIME dev(developer) acme-hr update_agent_config interview-strict-v1 1.0.0 ok (patch: 1 "
    "op)\n"
    "   4 TIME ana(admin) acme-hr create_agent_config interview-strict-v1 1.1.0 refused (patch: 2 "
    "ops): version 1.0.0 -> 1.1.0 makes 1 breaking change to the schema without a major version "
    "bump:\n"
    "        credibility_score: constraint_tightened: le 100 -> 50: outputs valid before (e.g. 75) "
    "are now refused\n"
    "      bump the major version: publish 2.0.0 as a new agent, agent_id interview-strict-v2\n"
    "   5 TIME gus(admin) globex-support list_versions interview-strict-v1 - denied (patch: 0 "
    "ops): user gus of tenant globex-support cannot act on tenant acme-hr\n";

TEST(ConfigsCliTest, AuditPrintsEveryEntryAndVerifies) {
  const std::string dir = TempDir("audit");
  MakeAuditedStore(dir);
  CliResult audit = RunCli("configs audit --store s.db", dir);
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
  EXPECT_EQ(WithoutTimes(audit.output), kAuditLines);

  CliResult patches = RunCli("configs audit --patches --store s.db", dir);
  EXPECT_EQ(patches.exit_code, 0) << patches.output;
  EXPECT_THAT(patches.output,
              HasSubstr(" dev(developer) acme-hr update_agent_config interview-strict-v1 1.0.0 ok "
                        "(patch: [{\"op\":\"replace\",\"path\":\"/enabled\",\"value\":false}])\n"));
  EXPECT_THAT(patches.output,
              HasSubstr(" refused (patch: [{\"op\":\"replace\",\"path\":\"/schema_config/fields/3/"
                        "constraints/le\",\"value\":50},{\"op\":\"replace\",\"path\":\"/version\","
                        "\"value\":\"1.1.0\"}]): version 1.0.0 -> 1.1.0 makes"));
  EXPECT_THAT(patches.output, HasSubstr(" denied (patch: []): user gus"));
  EXPECT_THAT(patches.output, Not(HasSubstr("ops)")));

  CliResult verify = RunCli("configs audit --verify --store s.db", dir);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output, "audit log intact: 5 entries, hash chain verified\n");

  CliResult empty = RunCli("configs audit --verify --store empty.db", dir);
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(empty.output, "audit log intact: 0 entries, hash chain verified\n");
  EXPECT_EQ(RunCli("configs audit --verify --store strict.json", dir).exit_code, 2);
}

// ---- Tampering ----

std::string Sqlite(const std::string& dir, const std::string& sql) {
  CliResult r = RunShell("sqlite3 s.db \"" + sql + "\"", dir);
  EXPECT_EQ(r.exit_code, 0) << sql << "\n" << r.output;
  return r.output;
}

// Lower-case hex SHA-256 of `bytes` (sha256sum).
std::string Sha256(const std::string& dir, const std::string& bytes) {
  std::ofstream(dir + "/canonical.bin", std::ios::binary) << bytes;
  CliResult r = RunShell("sha256sum canonical.bin", dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output.substr(0, 64);
}

// The hash AuditLog::HashOf gives an entry (netstrings, see core/security/audit_log.h), from the
// entry's row as `sqlite3 -json` prints it.
std::string RecomputedHash(const std::string& dir, const json& row) {
  std::string canonical;
  auto add = [&canonical](const std::string& bytes) {
    canonical += std::to_string(bytes.size()) + ":" + bytes + ",";
  };
  add("agentsim.audit.v1");
  add(std::to_string(row["sequence"].get<long long>()));
  add(std::to_string(row["at_us"].get<long long>()));
  for (const char* field : {"user_id", "role", "tenant_id", "action", "agent_id", "version",
                            "outcome", "detail", "patch_json", "prev_hash"}) {
    add(row[field].get<std::string>());
  }
  return Sha256(dir, canonical);
}

json Row(const std::string& dir, int sequence) {
  CliResult r = RunShell("sqlite3 -json s.db 'SELECT * FROM audit_log WHERE sequence = " +
                             std::to_string(sequence) + "'",
                         dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return json::parse(r.output).at(0);
}

void EditRow(const std::string& dir) {
  Sqlite(dir, "UPDATE audit_log SET detail = 'nothing to see' WHERE sequence = 2");
}
void EditOutcome(const std::string& dir) {
  Sqlite(dir, "UPDATE audit_log SET outcome = 'ok', detail = '' WHERE sequence = 5");
}
void DeleteRow(const std::string& dir) { Sqlite(dir, "DELETE FROM audit_log WHERE sequence = 3"); }
void DeleteFirstRow(const std::string& dir) {
  Sqlite(dir, "DELETE FROM audit_log WHERE sequence = 1");
}
// A forged entry appended with a made-up hash.
void InsertRow(const std::string& dir) {
  Sqlite(dir,
         "INSERT INTO audit_log SELECT 6, at_us, 'mallory', role, tenant_id, action, agent_id, "
         "'9.9.9', outcome, detail, patch_json, hash, hash FROM audit_log WHERE sequence = 5");
}
// Entries 3..5 moved to 4..6 and a forged entry 3 put between, with a correct hash and prev_hash.
void InsertRowWithRecomputedHash(const std::string& dir) {
  json forged = Row(dir, 2);
  forged["sequence"] = 3;
  forged["user_id"] = "mallory";
  forged["version"] = "9.9.9";
  forged["prev_hash"] = Row(dir, 2)["hash"];
  const std::string hash = RecomputedHash(dir, forged);
  Sqlite(dir,
         "UPDATE audit_log SET sequence = sequence + 100 WHERE sequence >= 3; "
         "UPDATE audit_log SET sequence = sequence - 99 WHERE sequence >= 100; "
         "INSERT INTO audit_log SELECT 3, at_us, 'mallory', role, tenant_id, action, "
         "agent_id, '9.9.9', outcome, detail, patch_json, hash, '" +
             hash + "' FROM audit_log WHERE sequence = 2");
}
// Entry 2 rewritten with its hash recomputed: found at entry 3, whose prev_hash no longer
// matches.
void EditRowWithRecomputedHash(const std::string& dir) {
  json row = Row(dir, 2);
  row["agent_id"] = "interview-strict-v1";
  Sqlite(dir, "UPDATE audit_log SET agent_id = 'interview-strict-v1', hash = '" +
                  RecomputedHash(dir, row) + "' WHERE sequence = 2");
}
// Rows 2 and 3 exchange everything but their sequence.
void SwapRowContents(const std::string& dir) {
  const std::string columns =
      "at_us, user_id, role, tenant_id, action, agent_id, version, outcome, detail, patch_json, "
      "prev_hash, hash";
  Sqlite(dir,
         "CREATE TEMP TABLE copy AS SELECT * FROM audit_log WHERE sequence IN (2, 3); "
         "UPDATE audit_log SET (" +
             columns + ") = (SELECT " + columns +
             " FROM copy WHERE copy.sequence = 5 - audit_log.sequence) "
             "WHERE sequence IN (2, 3)");
}
// Rows 2 and 3 exchange sequences (the log read in another order).
void SwapSequences(const std::string& dir) {
  Sqlite(dir,
         "UPDATE audit_log SET sequence = -sequence WHERE sequence IN (2, 3); "
         "UPDATE audit_log SET sequence = 3 WHERE sequence = -2; "
         "UPDATE audit_log SET sequence = 2 WHERE sequence = -3");
}

struct TamperCase {
  const char* name;
  void (*tamper)(const std::string& dir);
  const char* verdict;
};

void PrintTo(const TamperCase& c, std::ostream* os) { *os << c.name; }

class ConfigsCliTamperTest : public ::testing::TestWithParam<TamperCase> {};

TEST_P(ConfigsCliTamperTest, VerifyExitsOneNamingTheFirstBadEntry) {
  const std::string dir = TempDir(std::string("tamper_") + GetParam().name);
  MakeAuditedStore(dir);
  ASSERT_EQ(RunCli("configs audit --verify --store s.db", dir).exit_code, 0);
  GetParam().tamper(dir);
  CliResult verify = RunCli("configs audit --verify --store s.db", dir);
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_EQ(verify.output, GetParam().verdict);
  // The log is still readable.
  EXPECT_EQ(RunCli("configs audit --store s.db", dir).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Edits, ConfigsCliTamperTest,
    ::testing::Values(
        TamperCase{"EditRow", EditRow, "audit log TAMPERED at entry 2: hash mismatch: edited\n"},
        TamperCase{"EditOutcome", EditOutcome,
                   "audit log TAMPERED at entry 5: hash mismatch: edited\n"},
        TamperCase{"EditRowWithRecomputedHash", EditRowWithRecomputedHash,
                   "audit log TAMPERED at entry 3: prev_hash does not match: replaced or "
                   "inserted\n"},
        TamperCase{"DeleteRow", DeleteRow,
                   "audit log TAMPERED at entry 3: sequence 4 after 2: removed\n"},
        TamperCase{"DeleteFirstRow", DeleteFirstRow,
                   "audit log TAMPERED at entry 1: sequence 2 after 0: removed\n"},
        TamperCase{"InsertRow", InsertRow,
                   "audit log TAMPERED at entry 6: hash mismatch: edited\n"},
        TamperCase{"InsertRowWithRecomputedHash", InsertRowWithRecomputedHash,
                   "audit log TAMPERED at entry 4: hash mismatch: edited\n"},
        TamperCase{"SwapRowContents", SwapRowContents,
                   "audit log TAMPERED at entry 2: hash mismatch: edited\n"},
        TamperCase{"SwapSequences", SwapSequences,
                   "audit log TAMPERED at entry 2: hash mismatch: edited\n"}),
    [](const ::testing::TestParamInfo<TamperCase>& param_info) { return param_info.param.name; });

TEST(ConfigsCliTest, RecomputedHashMatchesTheStoredOne) {
  // Guards the tamper cases above: the test's HashOf is the product's.
  const std::string dir = TempDir("hash");
  MakeAuditedStore(dir);
  for (int sequence = 1; sequence <= 5; ++sequence) {
    const json row = Row(dir, sequence);
    EXPECT_EQ(RecomputedHash(dir, row), row["hash"].get<std::string>()) << sequence;
  }
}

}  // namespace
