// ConfigurationStore writes: validation, immutability, operational updates, deprecation,
// cache invalidation, the audit log and max_agents.
#include "tests/core/config/configuration_store_writes_fixture.h"

namespace agentsim {
namespace {

using namespace store_writes_test;  // NOLINT: the shared fixture and its helpers

// Five problems (one a missing tts_config); the api_key's value must never be shown.
constexpr const char* kBrokenConfig = R"({"agent_id": "interview-strict-v2", "version": "1.1.0",
 "tenant_config": {"tenant_id": "acme-hr"},
 "prompt_config": {"system_prompt": "Ask one question at a time."},
 "schema_config": {"schema_id": "s", "fields": [
   {"field_name": "system_response", "field_type": "str", "required": true},
   {"field_name": "class", "field_type": "str"}]},
 "llm_config": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 2.5,
                "api_key": "sk-abcdefghijklmnopqrstuvwxyz0123456789"}})";

TEST_F(ConfigurationStoreWritesTest, ValidationFailureListsEveryProblemAndIsAuditedRefused) {
  Result<ConfigRecord> created = Run(store_.CreateAgentConfig(kAna, kBrokenConfig));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  const std::string problems =
      "config:7:78: /llm_config/temperature: expected a number in [0, 2.0], got number 2.5\n"
      "config:8:28: /llm_config/api_key: expected no secret in the config (name an environment "
      "variable in api_key_env), got an api_key\n"
      "config:1:1: /tts_config: expected an object, got nothing (required key missing)\n"
      "config:1:14: /agent_id: expected an agent id ending in -v1 (the major of version "
      "\"1.1.0\"), got string \"interview-strict-v2\"\n"
      "config:6:19: /schema_config/fields/1/field_name: expected a field name that is not a "
      "keyword, got string \"class\" (a Python and C++ keyword)";
  EXPECT_EQ(created.error().message, problems);
  EXPECT_EQ(created.error().message.find("sk-abc"), std::string::npos);
  EXPECT_EQ(LastAuditLine(),
            "1 ana(admin) acme-hr create_agent_config interview-strict-v2 1.1.0 "
            "refused: " +
                problems);
  EXPECT_EQ(AuditEntries().back().patch_json, "[]");
  EXPECT_EQ(Current("interview-strict-v2"), "NOT_FOUND: no config for agent interview-strict-v2");
}

// A repeated key is refused with the document's other problems (the rest read with its last
// value), not alone.
TEST_F(ConfigurationStoreWritesTest, RepeatedKeyIsRefusedWithTheOtherProblems) {
  std::string text = kBrokenConfig;
  const std::string version = "\"version\": \"1.1.0\",";
  text.replace(text.find(version), version.size(), "\"version\": \"1.0.0\", " + version);
  Result<ConfigRecord> created = Run(store_.CreateAgentConfig(kAna, text));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(created.error().message,
              ::testing::StartsWith(
                  "config:1:68: /version: duplicate key: the object has this key more than "
                  "once and only the last value would be used; remove or rename the others\n"
                  "config:7:78: /llm_config/temperature: expected a number in [0, 2.0], got "
                  "number 2.5\n"));
  EXPECT_THAT(created.error().message,
              ::testing::HasSubstr("/agent_id: expected an agent id ending in -v1 (the major of "
                                   "version \"1.1.0\")"));
  EXPECT_EQ(Current("interview-strict-v2"), "NOT_FOUND: no config for agent interview-strict-v2");
}

TEST_F(ConfigurationStoreWritesTest, UnparsableDocumentIsRefusedAndAudited) {
  Result<ConfigRecord> created = Run(store_.CreateAgentConfig(kAna, "{\"agent_id\": \"x\",\n"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(created.error().message, ::testing::StartsWith("config:2:1: invalid JSON"));
  EXPECT_EQ(LastAuditLine(),
            "1 ana(admin) acme-hr create_agent_config   refused: " + created.error().message);
  // A viewer is denied before its document is looked at.
  Result<ConfigRecord> viewer = Run(store_.CreateAgentConfig(kVic, "not json"));
  EXPECT_EQ(ResultText(viewer), "PERMISSION_DENIED: user vic (viewer) lacks create_agent");
}

TEST_F(ConfigurationStoreWritesTest, MissingTenantIsAValidationProblemNotADenial) {
  json doc = Strict();
  doc.erase("tenant_config");
  Result<ConfigRecord> created = Create(kAna, doc);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(created.error().message,
            "config:1:1: /tenant_config: expected an object, got nothing (required key missing)");
  EXPECT_EQ(LastAuditLine(),
            "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 refused: "
            "config:1:1: /tenant_config: expected an object, got nothing (required key missing)");
  // Without the permission, it is still a denial.
  EXPECT_EQ(ResultText(Create(kDev, doc)),
            "PERMISSION_DENIED: user dev (developer) lacks create_agent");
}

// ---- Immutability ----

TEST_F(ConfigurationStoreWritesTest, SameVersionTwiceIsAlreadyExistsAndKeepsTheFirst) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  json changed = Strict();
  changed["llm_config"]["temperature"] = 0.9;
  Result<ConfigRecord> again = Create(kAna, changed);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message,
            "agent interview-strict-v1 version 1.0.0 exists; versions are immutable: create a new "
            "version");
  EXPECT_EQ(LastAuditLine(),
            "2 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 refused: agent "
            "interview-strict-v1 version 1.0.0 exists; versions are immutable: create a new "
            "version");
  EXPECT_EQ(json::parse(Stored("1.0.0").json_text)["llm_config"]["temperature"], 0.3);
  // The identical document is refused too: a version is stored once.
  EXPECT_EQ(ResultText(Create(kAna, Strict())),
            "ALREADY_EXISTS: agent interview-strict-v1 version 1.0.0 exists; versions are "
            "immutable: create a new version");
}

// ---- Operational updates ----

struct UpdateCase {
  const char* name;
  const char* changes;  // JSON
  const char* status;
  bool enabled_after;
};

void PrintTo(const UpdateCase& c, std::ostream* os) { *os << c.name; }

class ConfigurationStoreWritesUpdateTest : public ConfigurationStoreWritesTest,
                                           public ::testing::WithParamInterface<UpdateCase> {};

TEST_P(ConfigurationStoreWritesUpdateTest, OnlyEnabledMayChange) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  const UpdateCase& c = GetParam();
  Status updated = Update(kDev, "1.0.0", json::parse(c.changes));
  EXPECT_EQ(StatusText(updated), c.status);
  EXPECT_EQ(LastAuditLine(), std::string("2 dev(developer) acme-hr update_agent_config "
                                         "interview-strict-v1 1.0.0 ") +
                                 (updated ? "ok" : "refused: " + updated.error().message));
  ConfigRecord stored = Stored("1.0.0");
  EXPECT_EQ(stored.enabled, c.enabled_after);
  EXPECT_EQ(json::parse(stored.json_text), Strict());  // the document itself never changes
  Result<std::shared_ptr<const AgentConfig>> served = Run(store_.GetAgentConfig(kAgent));
  ASSERT_TRUE(served);
  EXPECT_EQ((*served)->enabled, c.enabled_after);
}

INSTANTIATE_TEST_SUITE_P(
    Changes, ConfigurationStoreWritesUpdateTest,
    ::testing::Values(
        UpdateCase{"Disable", R"({"enabled": false})", "OK", false},
        UpdateCase{"EnableWhenEnabled", R"({"enabled": true})", "OK", true},
        UpdateCase{"Nothing", R"({})", "OK", true},
        UpdateCase{"LlmConfig", R"({"llm_config": {"temperature": 0.9}})",
                   "FAILED_PRECONDITION: llm_config cannot change in an existing version; "
                   "versions are immutable: create a new version (e.g. 1.1.0)",
                   true},
        UpdateCase{"EnabledWithOtherKeys",
                   R"({"enabled": false, "version": "1.0.1", "feature_flags": {}})",
                   "FAILED_PRECONDITION: feature_flags cannot change in an existing version; "
                   "versions are immutable: create a new version (e.g. 1.1.0)\n"
                   "version cannot change in an existing version; versions are immutable: create "
                   "a new version (e.g. 1.1.0)",
                   true},
        UpdateCase{"EnabledAsString", R"({"enabled": "false"})",
                   "INVALID_ARGUMENT: enabled: expected a boolean, got string \"false\"", true},
        UpdateCase{"UnknownKey", R"({"enabeld": false})",
                   "INVALID_ARGUMENT: unknown key \"enabeld\"; an agent config has agent_id, "
                   "version, tenant_config, prompt_config, schema_config, llm_config, tts_config, "
                   "feature_flags and enabled",
                   true},
        UpdateCase{"NotAnObject", R"([{"enabled": false}])",
                   "INVALID_ARGUMENT: expected an object of config key -> new value, got an array",
                   true}),
    [](const ::testing::TestParamInfo<UpdateCase>& param_info) { return param_info.param.name; });

TEST_F(ConfigurationStoreWritesTest, UpdateOrDeprecateOfUnknownVersionIsNotFound) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  EXPECT_EQ(StatusText(Update(kAna, "9.9.9", {{"enabled", false}})),
            "NOT_FOUND: no version 9.9.9 of agent interview-strict-v1");
  EXPECT_EQ(StatusText(Deprecate(kAna, "9.9.9")),
            "NOT_FOUND: no version 9.9.9 of agent interview-strict-v1");
  EXPECT_EQ(ResultText(List(kAna, "nobody-x-v1")), "NOT_FOUND: no config for agent nobody-x-v1");
}

// ---- Deprecation and the read path ----

TEST_F(ConfigurationStoreWritesTest, DeprecationMakesThePreviousVersionCurrent) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  ASSERT_EQ(ResultText(Create(kAna, StrictWithLe(kAgent, "1.1.0", 150))), "OK");
  EXPECT_EQ(Current(), "1.1.0");
  EXPECT_EQ(StatusText(Deprecate(kDev, "1.1.0")), "OK");
  EXPECT_EQ(Current(), "1.0.0");
  EXPECT_TRUE(Stored("1.1.0").deprecated);
  EXPECT_EQ(AuditEntries().back().patch_json,
            R"([{"op":"replace","path":"/deprecated","value":true}])");
  EXPECT_EQ(StatusText(Deprecate(kDev, "1.0.0")), "OK");
  EXPECT_EQ(Current(), "NOT_FOUND: every version of agent interview-strict-v1 is deprecated");
  // Deprecated versions are still listed, and can still be read by version.
  Result<std::vector<ConfigRecord>> versions = List(kVic);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_TRUE((*versions)[0].deprecated);
  EXPECT_TRUE((*versions)[1].deprecated);
}

TEST_F(ConfigurationStoreWritesTest, WritesInvalidateTheL1Entry) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  EXPECT_EQ(Current(), "1.0.0");  // now in L1 for 300 s
  EXPECT_EQ(Current(), "1.0.0");
  EXPECT_EQ(store_.stats(CacheLevel::kL1).hits, 1u);
  ASSERT_EQ(ResultText(Create(kAna, StrictVersion("1.1.0"))), "OK");
  EXPECT_EQ(Current(), "1.1.0");  // no virtual time has passed
  ASSERT_EQ(StatusText(Update(kDev, "1.1.0", {{"enabled", false}})), "OK");
  Result<std::shared_ptr<const AgentConfig>> disabled = Run(store_.GetAgentConfig(kAgent));
  ASSERT_TRUE(disabled);
  EXPECT_FALSE((*disabled)->enabled);
  ASSERT_EQ(StatusText(Deprecate(kDev, "1.1.0")), "OK");
  EXPECT_EQ(Current(), "1.0.0");
  EXPECT_EQ(store_.stats(CacheLevel::kL3).loads, 4u);
  // An unknown id cached negatively is dropped when it is created.
  EXPECT_EQ(Current("interview-strict-v2"), "NOT_FOUND: no config for agent interview-strict-v2");
  ASSERT_EQ(ResultText(Create(kAna, StrictWithLe("interview-strict-v2", "2.0.0", 50))), "OK");
  EXPECT_EQ(Current("interview-strict-v2"), "2.0.0");
}

// ---- Audit ----

TEST_F(ConfigurationStoreWritesTest, AuditLogRecordsEveryWriteWithRfc6902PatchesAndVerifies) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  json next = StrictVersion("1.1.0");
  next["llm_config"]["temperature"] = 0.5;
  ASSERT_EQ(ResultText(Create(kAna, next)), "OK");
  ASSERT_EQ(ResultText(Create(kDev, StrictVersion("1.2.0"))),
            "PERMISSION_DENIED: user dev (developer) lacks create_agent");
  ASSERT_EQ(StatusText(Update(kDev, "1.1.0", {{"enabled", false}})), "OK");
  ASSERT_EQ(StatusText(Update(kDev, "1.1.0", {{"prompt_config", {}}})),
            "FAILED_PRECONDITION: prompt_config cannot change in an existing version; versions "
            "are immutable: create a new version (e.g. 1.1.0)");
  ASSERT_EQ(StatusText(Deprecate(kAna, "1.1.0")), "OK");
  ASSERT_EQ(ResultText(List(kGus)),
            "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant acme-hr");

  EXPECT_THAT(
      AuditLines(),
      ElementsAre(
          "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 ok",
          "2 ana(admin) acme-hr create_agent_config interview-strict-v1 1.1.0 ok",
          "3 dev(developer) acme-hr create_agent_config interview-strict-v1 1.2.0 denied: user "
          "dev (developer) lacks create_agent",
          "4 dev(developer) acme-hr update_agent_config interview-strict-v1 1.1.0 ok",
          "5 dev(developer) acme-hr update_agent_config interview-strict-v1 1.1.0 refused: "
          "prompt_config cannot change in an existing version; versions are immutable: create a "
          "new version (e.g. 1.1.0)",
          "6 ana(admin) acme-hr deprecate_agent_config interview-strict-v1 1.1.0 ok",
          "7 gus(admin) globex-support list_versions interview-strict-v1  denied: user gus of "
          "tenant globex-support cannot act on tenant acme-hr"));

  std::vector<AuditEntry> entries = AuditEntries();
  // The second version's patch, from 1.0.0's document to 1.1.0's.
  EXPECT_EQ(entries[1].patch_json,
            R"([{"op":"replace","path":"/llm_config/temperature","value":0.5},)"
            R"({"op":"replace","path":"/version","value":"1.1.0"}])");
  EXPECT_EQ(entries[3].patch_json, R"([{"op":"replace","path":"/enabled","value":false}])");
  EXPECT_EQ(entries[2].patch_json, "[]");
  // Every patch applies (RFC 6902) to the previous document and gives the new one.
  const json first = json::parse(Stored("1.0.0").json_text);
  const json second = json::parse(Stored("1.1.0").json_text);
  EXPECT_EQ(json::object().patch(json::parse(entries[0].patch_json)), first);
  EXPECT_EQ(json::parse(entries[0].patch_json).size(), 9u);  // one "add" per top-level key
  EXPECT_EQ(first.patch(json::parse(entries[1].patch_json)), second);
  // Times come from the clock; the chain verifies.
  EXPECT_EQ(entries[0].at_us, 0);
  AuditLog::Verification v = AuditLog::Verify(entries);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 7u);
}

TEST_F(ConfigurationStoreWritesTest, NewAgentsCountAgainstTheTiersMaxAgents) {
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop_);
  store_.set_quotas(&quotas);
  auto agent = [](const std::string& id, const std::string& tier) {
    json doc = Strict();
    doc["agent_id"] = id;
    doc["tenant_config"]["tier"] = tier;
    return doc;
  };
  // free: max_agents 3. Further versions of an existing agent are not new agents.
  EXPECT_EQ(ResultText(Create(kAna, agent("interview-a-v1", "free"))), "OK");
  EXPECT_EQ(ResultText(Create(kAna, agent("interview-b-v1", "free"))), "OK");
  json b_next = agent("interview-b-v1", "free");
  b_next["version"] = "1.0.1";
  EXPECT_EQ(ResultText(Create(kAna, b_next)), "OK");
  EXPECT_EQ(ResultText(Create(kAna, agent("interview-c-v1", "free"))), "OK");
  EXPECT_EQ(ResultText(Create(kAna, agent("interview-d-v1", "free"))),
            "RESOURCE_EXHAUSTED: tenant acme-hr (free) is at max_agents = 3");
  EXPECT_EQ(LastAuditLine(),
            "5 ana(admin) acme-hr create_agent_config interview-d-v1 1.0.0 refused: tenant "
            "acme-hr (free) is at max_agents = 3");
  EXPECT_EQ(quotas.Usage("acme-hr", QuotaResource::kAgents), 3);
}

}  // namespace
}  // namespace agentsim
