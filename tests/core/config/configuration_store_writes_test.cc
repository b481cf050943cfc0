// The write path of ConfigurationStore (configuration_store_writes.cc): RBAC, tenant isolation,
// validation, immutability, schema evolution, operational updates, deprecation, cache
// invalidation and the audit log, over InMemoryDocumentStore with zero latency.
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/async/event_loop.h"
#include "core/config/configuration_store.h"
#include "core/security/audit_log.h"
#include "mocks/in_memory_document_store.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;
using nlohmann::json;

constexpr LogNormalSpec kNoLatency{0.0, 0.0};
constexpr const char* kAgent = "interview-strict-v1";

const Principal kAna{"ana", Role::kAdmin, "acme-hr"};
const Principal kDev{"dev", Role::kDeveloper, "acme-hr"};
const Principal kVic{"vic", Role::kViewer, "acme-hr"};
const Principal kGus{"gus", Role::kAdmin, "globex-support"};
const Principal kGlobexViewer{"gail", Role::kViewer, "globex-support"};

// A shipped config (scenarios/configs/<name>.json; comments allowed there), parsed.
json ShippedConfig(const std::string& name) {
  std::ifstream in(AGENTSIM_SOURCE_DIR "/scenarios/configs/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
}

// scenarios/configs/interview-strict-v1.json (1.0.0, tenant acme-hr) as a base to change.
json Strict() { return ShippedConfig(kAgent); }

json StrictVersion(const std::string& version) {
  json doc = Strict();
  doc["version"] = version;
  return doc;
}

// The credibility_score field (index 3) with `le` set.
json StrictWithLe(const std::string& agent_id, const std::string& version, int le) {
  json doc = Strict();
  doc["agent_id"] = agent_id;
  doc["version"] = version;
  json& field = doc["schema_config"]["fields"][3];
  EXPECT_EQ(field["field_name"], "credibility_score");
  field["constraints"]["le"] = le;
  return doc;
}

std::string StatusText(const Status& s) { return s ? "OK" : s.error().ToString(); }
template <typename T>
std::string ResultText(const Result<T>& r) {
  return r ? "OK" : r.error().ToString();
}

// "<sequence> <user>(<role>) <tenant> <action> <agent_id> <version> <outcome>[: <detail>]"
std::string AuditLine(const AuditEntry& e) {
  return std::to_string(e.sequence) + " " + e.user_id + "(" + e.role + ") " + e.tenant_id + " " +
         e.action + " " + e.agent_id + " " + e.version + " " + e.outcome +
         (e.detail.empty() ? "" : ": " + e.detail);
}

template <typename T>
Task<void> Capture(Task<T> task, std::optional<T>* out) {
  auto value = co_await std::move(task);
  out->emplace(std::move(value));
}

class ConfigurationStoreWritesTest : public ::testing::Test {
 protected:
  static ConfigurationStoreOptions Options() {
    ConfigurationStoreOptions o;
    o.l1_ttl_us = 300 * kMicrosPerSecond;  // a stale L1 entry would survive the whole test
    return o;
  }

  // Runs `task` on the loop to completion.
  template <typename T>
  T Run(Task<T> task) {
    std::optional<T> out;
    loop_.Spawn(Capture(std::move(task), &out), "write");
    loop_.Run();
    EXPECT_TRUE(loop_.UnfinishedRoots().empty());
    return std::move(*out);
  }

  Result<ConfigRecord> Create(const Principal& who, const json& doc) {
    return Run(store_.CreateAgentConfig(who, doc.dump(2)));
  }
  Status Update(const Principal& who, const std::string& version, json changes,
                const std::string& agent_id = kAgent) {
    return Run(store_.UpdateAgentConfig(who, agent_id, version, std::move(changes)));
  }
  Status Deprecate(const Principal& who, const std::string& version,
                   const std::string& agent_id = kAgent) {
    return Run(store_.DeprecateAgentConfig(who, agent_id, version));
  }
  Result<std::vector<ConfigRecord>> List(const Principal& who,
                                         const std::string& agent_id = kAgent) {
    return Run(store_.ListVersions(who, agent_id));
  }
  // The version GetAgentConfig serves now, or the error.
  std::string Current(const std::string& agent_id = kAgent) {
    Result<std::shared_ptr<const AgentConfig>> config = Run(store_.GetAgentConfig(agent_id));
    return config ? (*config)->version : config.error().ToString();
  }
  ConfigRecord Stored(const std::string& version, const std::string& agent_id = kAgent) {
    Result<ConfigRecord> r = Run(l3_.GetVersion(agent_id, version));
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : ConfigRecord{};
  }
  std::vector<AuditEntry> AuditEntries() { return Run(l3_.ReadAudit()).value(); }
  std::vector<std::string> AuditLines() {
    std::vector<std::string> out;
    for (const AuditEntry& e : AuditEntries()) out.push_back(AuditLine(e));
    return out;
  }
  std::string LastAuditLine() {
    std::vector<AuditEntry> entries = AuditEntries();
    return entries.empty() ? "(none)" : AuditLine(entries.back());
  }

  EventLoop loop_;
  InMemoryDocumentStore l3_{&loop_, Rng(1), {kNoLatency, {}}};
  AuditLog audit_{&l3_, &loop_};
  ConfigurationStore store_{&l3_, nullptr, &loop_, Rng(2), Options(), nullptr, &audit_};
};

// ---- RBAC ----

enum class Op { kCreate, kUpdate, kDeprecate, kList };

struct RbacCase {
  const char* name;
  Op op;
  Principal who;
  const char* status;      // "OK" or the error
  const char* last_audit;  // the last audit entry afterwards (entry 1 is the set-up's create)
};

void PrintTo(const RbacCase& c, std::ostream* os) { *os << c.name; }

class ConfigurationStoreWritesRbacTest : public ConfigurationStoreWritesTest,
                                   public ::testing::WithParamInterface<RbacCase> {};

TEST_P(ConfigurationStoreWritesRbacTest, EnforcesRoleMatrixAndAuditsDenials) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  const RbacCase& c = GetParam();
  std::string status;
  switch (c.op) {
    case Op::kCreate:
      status = ResultText(Create(c.who, StrictVersion("1.1.0")));
      break;
    case Op::kUpdate:
      status = StatusText(Update(c.who, "1.0.0", {{"enabled", false}}));
      break;
    case Op::kDeprecate:
      status = StatusText(Deprecate(c.who, "1.0.0"));
      break;
    case Op::kList:
      status = ResultText(List(c.who));
      break;
  }
  EXPECT_EQ(status, c.status);
  EXPECT_EQ(LastAuditLine(), c.last_audit);
  // A denied write changes nothing.
  if (status != "OK" && c.op != Op::kList) {
    ConfigRecord stored = Stored("1.0.0");
    EXPECT_TRUE(stored.enabled);
    EXPECT_FALSE(stored.deprecated);
    EXPECT_EQ(Current(), "1.0.0");
    EXPECT_EQ(ResultText(Run(l3_.GetVersion(kAgent, "1.1.0"))),
              "NOT_FOUND: no version 1.1.0 of agent interview-strict-v1");
  }
  AuditLog::Verification v = AuditLog::Verify(AuditEntries());
  EXPECT_TRUE(v.ok) << v.problem;
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, ConfigurationStoreWritesRbacTest,
    ::testing::Values(
        RbacCase{"AdminCreates", Op::kCreate, kAna, "OK",
                 "2 ana(admin) acme-hr create_agent_config interview-strict-v1 1.1.0 ok"},
        RbacCase{"DeveloperCannotCreate", Op::kCreate, kDev,
                 "PERMISSION_DENIED: user dev (developer) lacks create_agent",
                 "2 dev(developer) acme-hr create_agent_config interview-strict-v1 1.1.0 denied: "
                 "user dev (developer) lacks create_agent"},
        RbacCase{"ViewerCannotCreate", Op::kCreate, kVic,
                 "PERMISSION_DENIED: user vic (viewer) lacks create_agent",
                 "2 vic(viewer) acme-hr create_agent_config interview-strict-v1 1.1.0 denied: "
                 "user vic (viewer) lacks create_agent"},
        RbacCase{"AdminUpdates", Op::kUpdate, kAna, "OK",
                 "2 ana(admin) acme-hr update_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"DeveloperUpdates", Op::kUpdate, kDev, "OK",
                 "2 dev(developer) acme-hr update_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"ViewerCannotUpdate", Op::kUpdate, kVic,
                 "PERMISSION_DENIED: user vic (viewer) lacks update_agent",
                 "2 vic(viewer) acme-hr update_agent_config interview-strict-v1 1.0.0 denied: "
                 "user vic (viewer) lacks update_agent"},
        RbacCase{"AdminDeprecates", Op::kDeprecate, kAna, "OK",
                 "2 ana(admin) acme-hr deprecate_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"DeveloperDeprecates", Op::kDeprecate, kDev, "OK",
                 "2 dev(developer) acme-hr deprecate_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"ViewerCannotDeprecate", Op::kDeprecate, kVic,
                 "PERMISSION_DENIED: user vic (viewer) lacks update_agent",
                 "2 vic(viewer) acme-hr deprecate_agent_config interview-strict-v1 1.0.0 denied: "
                 "user vic (viewer) lacks update_agent"},
        // Reads are not audited when allowed.
        RbacCase{"AdminLists", Op::kList, kAna, "OK",
                 "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"DeveloperLists", Op::kList, kDev, "OK",
                 "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 ok"},
        RbacCase{"ViewerLists", Op::kList, kVic, "OK",
                 "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 ok"}),
    [](const ::testing::TestParamInfo<RbacCase>& param_info) { return param_info.param.name; });

// ---- Tenant isolation ----

struct TenantCase {
  const char* name;
  Op op;
  Principal who;
  const char* status;
  const char* last_audit;
};

void PrintTo(const TenantCase& c, std::ostream* os) { *os << c.name; }

class ConfigurationStoreWritesTenantTest : public ConfigurationStoreWritesTest,
                                     public ::testing::WithParamInterface<TenantCase> {};

TEST_P(ConfigurationStoreWritesTenantTest, OtherTenantIsDeniedAndAudited) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  const TenantCase& c = GetParam();
  std::string status;
  switch (c.op) {
    case Op::kCreate:
      status = ResultText(Create(c.who, StrictVersion("1.1.0")));
      break;
    case Op::kUpdate:
      status = StatusText(Update(c.who, "1.0.0", {{"enabled", false}}));
      break;
    case Op::kDeprecate:
      status = StatusText(Deprecate(c.who, "1.0.0"));
      break;
    case Op::kList:
      status = ResultText(List(c.who));
      break;
  }
  EXPECT_EQ(status, c.status);
  EXPECT_EQ(LastAuditLine(), c.last_audit);
  ConfigRecord stored = Stored("1.0.0");
  EXPECT_TRUE(stored.enabled);
  EXPECT_FALSE(stored.deprecated);
  EXPECT_EQ(Current(), "1.0.0");
}

INSTANTIATE_TEST_SUITE_P(
    Isolation, ConfigurationStoreWritesTenantTest,
    ::testing::Values(
        TenantCase{"CreateForOtherTenant", Op::kCreate, kGus,
                   "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant "
                   "acme-hr",
                   "2 gus(admin) globex-support create_agent_config interview-strict-v1 1.1.0 "
                   "denied: user gus of tenant globex-support cannot act on tenant acme-hr"},
        TenantCase{"Update", Op::kUpdate, kGus,
                   "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant "
                   "acme-hr",
                   "2 gus(admin) globex-support update_agent_config interview-strict-v1 1.0.0 "
                   "denied: user gus of tenant globex-support cannot act on tenant acme-hr"},
        TenantCase{"Deprecate", Op::kDeprecate, kGus,
                   "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant "
                   "acme-hr",
                   "2 gus(admin) globex-support deprecate_agent_config interview-strict-v1 1.0.0 "
                   "denied: user gus of tenant globex-support cannot act on tenant acme-hr"},
        TenantCase{"List", Op::kList, kGus,
                   "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant "
                   "acme-hr",
                   "2 gus(admin) globex-support list_versions interview-strict-v1  denied: user "
                   "gus of tenant globex-support cannot act on tenant acme-hr"},
        // Tenant isolation is checked before the role.
        TenantCase{"ViewerOfOtherTenantUpdates", Op::kUpdate, kGlobexViewer,
                   "PERMISSION_DENIED: user gail of tenant globex-support cannot act on tenant "
                   "acme-hr",
                   "2 gail(viewer) globex-support update_agent_config interview-strict-v1 1.0.0 "
                   "denied: user gail of tenant globex-support cannot act on tenant acme-hr"}),
    [](const ::testing::TestParamInfo<TenantCase>& param_info) { return param_info.param.name; });

TEST_F(ConfigurationStoreWritesTest, OtherTenantCannotAddAVersionToAnAgentItDoesNotOwn) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  // globex-support's admin writes its own tenant into a new version of acme-hr's agent.
  json doc = StrictVersion("1.1.0");
  doc["tenant_config"]["tenant_id"] = "globex-support";
  EXPECT_EQ(ResultText(Create(kGus, doc)),
            "PERMISSION_DENIED: user gus of tenant globex-support cannot act on tenant acme-hr");
  EXPECT_EQ(LastAuditLine(),
            "2 gus(admin) globex-support create_agent_config interview-strict-v1 1.1.0 denied: "
            "user gus of tenant globex-support cannot act on tenant acme-hr");
  EXPECT_EQ(ResultText(Run(l3_.GetVersion(kAgent, "1.1.0"))),
            "NOT_FOUND: no version 1.1.0 of agent interview-strict-v1");
  Result<std::shared_ptr<const AgentConfig>> served =
      Run(store_.GetAgentConfigForTenant(kAgent, "acme-hr"));
  ASSERT_TRUE(served) << served.error().ToString();
  EXPECT_EQ((*served)->version, "1.0.0");
  // Its own agents are its own.
  EXPECT_EQ(ResultText(Create(kGus, ShippedConfig("customer-service-general-v1"))), "OK");
  EXPECT_EQ(ResultText(List(kAna, "customer-service-general-v1")),
            "PERMISSION_DENIED: user ana of tenant acme-hr cannot act on tenant globex-support");
}

TEST_F(ConfigurationStoreWritesTest, AdminCannotMoveItsConfigToAnotherTenant) {
  json doc = Strict();
  doc["tenant_config"]["tenant_id"] = "globex-support";
  EXPECT_EQ(ResultText(Create(kAna, doc)),
            "PERMISSION_DENIED: user ana of tenant acme-hr cannot act on tenant globex-support");
  EXPECT_EQ(LastAuditLine(),
            "1 ana(admin) acme-hr create_agent_config interview-strict-v1 1.0.0 denied: user ana "
            "of tenant acme-hr cannot act on tenant globex-support");
  EXPECT_EQ(Current(), "NOT_FOUND: no config for agent interview-strict-v1");
}

// ---- Validation ----

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
  EXPECT_EQ(LastAuditLine(), "1 ana(admin) acme-hr create_agent_config interview-strict-v2 1.1.0 "
                             "refused: " +
                                 problems);
  EXPECT_EQ(AuditEntries().back().patch_json, "[]");
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

// ---- Schema evolution ----

struct EvolutionCase {
  const char* name;
  json (*make)();
  const char* status;
  const char* agent_id;  // of the new document
  const char* version;
};

void PrintTo(const EvolutionCase& c, std::ostream* os) { *os << c.name; }

json AddOptionalField() {
  json doc = StrictVersion("1.1.0");
  doc["schema_config"]["fields"].push_back(
      {{"field_name", "new_metric"}, {"field_type", "int"}, {"required", false}, {"default", 0}});
  return doc;
}
json LoosenLe() { return StrictWithLe(kAgent, "1.1.0", 150); }
json TightenLeMinor() { return StrictWithLe(kAgent, "1.1.0", 50); }
json TightenLePatch() { return StrictWithLe(kAgent, "1.0.1", 50); }
json TightenLeMajorNewAgent() { return StrictWithLe("interview-strict-v2", "2.0.0", 50); }
json TightenLeMajorSameAgent() { return StrictWithLe(kAgent, "2.0.0", 50); }
json RemoveField() {
  json doc = StrictVersion("1.1.0");
  doc["schema_config"]["fields"].erase(1);  // voice_instructions
  return doc;
}

constexpr const char* kTightenedMinor =
    "FAILED_PRECONDITION: version 1.0.0 -> 1.1.0 makes 1 breaking change to the schema without a "
    "major version bump:\n"
    "  credibility_score: constraint_tightened: le 100 -> 50: outputs valid before (e.g. 75) are "
    "now refused\n"
    "bump the major version: publish 2.0.0 as a new agent, agent_id interview-strict-v2";

class ConfigurationStoreWritesEvolutionTest : public ConfigurationStoreWritesTest,
                                        public ::testing::WithParamInterface<EvolutionCase> {};

TEST_P(ConfigurationStoreWritesEvolutionTest, BreakingChangesNeedAMajorBump) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  const EvolutionCase& c = GetParam();
  Result<ConfigRecord> created = Create(kAna, c.make());
  EXPECT_EQ(ResultText(created), c.status);
  const std::string outcome = created ? "ok" : "refused: " + created.error().message;
  EXPECT_EQ(LastAuditLine(), std::string("2 ana(admin) acme-hr create_agent_config ") +
                                 c.agent_id + " " + c.version + " " + outcome);
  const bool same_agent = std::string(c.agent_id) == kAgent;
  EXPECT_EQ(Current(c.agent_id), created      ? std::string(c.version)
                                 : same_agent ? std::string("1.0.0")
                                              : "NOT_FOUND: no config for agent " +
                                                    std::string(c.agent_id));
  if (!same_agent) {
    EXPECT_EQ(Current(), "1.0.0");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Changes, ConfigurationStoreWritesEvolutionTest,
    ::testing::Values(
        EvolutionCase{"OptionalFieldMinorBump", AddOptionalField, "OK", kAgent, "1.1.0"},
        EvolutionCase{"LoosenedConstraintMinorBump", LoosenLe, "OK", kAgent, "1.1.0"},
        EvolutionCase{"TightenedConstraintMinorBump", TightenLeMinor, kTightenedMinor, kAgent,
                      "1.1.0"},
        EvolutionCase{"TightenedConstraintPatchBump", TightenLePatch,
                      "FAILED_PRECONDITION: version 1.0.0 -> 1.0.1 makes 1 breaking change to the "
                      "schema without a major version bump:\n"
                      "  credibility_score: constraint_tightened: le 100 -> 50: outputs valid "
                      "before (e.g. 75) are now refused\n"
                      "bump the major version: publish 2.0.0 as a new agent, agent_id "
                      "interview-strict-v2",
                      kAgent, "1.0.1"},
        EvolutionCase{"FieldRemovedMinorBump", RemoveField,
                      "FAILED_PRECONDITION: version 1.0.0 -> 1.1.0 makes 1 breaking change to the "
                      "schema without a major version bump:\n"
                      "  voice_instructions: field_removed: optional str field removed: consumers "
                      "lose it, and outputs that still carry it are refused as unknown_field\n"
                      "bump the major version: publish 2.0.0 as a new agent, agent_id "
                      "interview-strict-v2",
                      kAgent, "1.1.0"},
        EvolutionCase{"TightenedConstraintMajorBumpNewAgentId", TightenLeMajorNewAgent, "OK",
                      "interview-strict-v2", "2.0.0"},
        // The major is part of the agent id: 2.0.0 under ...-v1 is a validation problem.
        EvolutionCase{"MajorBumpUnderOldAgentId", TightenLeMajorSameAgent,
                      "INVALID_ARGUMENT: config:2:15: /agent_id: expected an agent id ending in "
                      "-v2 (the major of version \"2.0.0\"), got string \"interview-strict-v1\"",
                      kAgent, "2.0.0"}),
    [](const ::testing::TestParamInfo<EvolutionCase>& param_info) {
      return param_info.param.name;
    });

TEST_F(ConfigurationStoreWritesTest, NewVersionIsComparedWithTheHighestEarlierVersion) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  ASSERT_EQ(ResultText(Create(kAna, StrictWithLe(kAgent, "1.2.0", 150))), "OK");
  // 1.3.0 tightens 150 -> 120 relative to 1.2.0 (though not relative to 1.0.0).
  EXPECT_EQ(ResultText(Create(kAna, StrictWithLe(kAgent, "1.3.0", 120))),
            "FAILED_PRECONDITION: version 1.2.0 -> 1.3.0 makes 1 breaking change to the schema "
            "without a major version bump:\n"
            "  credibility_score: constraint_tightened: le 150 -> 120: outputs valid before (e.g. "
            "135) are now refused\n"
            "bump the major version: publish 2.0.0 as a new agent, agent_id interview-strict-v2");
  // A version between two others is compared with the one below it.
  EXPECT_EQ(ResultText(Create(kAna, StrictWithLe(kAgent, "1.1.0", 120))), "OK");
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

TEST_F(ConfigurationStoreWritesTest, MajorBumpPatchIsAgainstThePreviousMajor) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  ASSERT_EQ(ResultText(Create(kAna, StrictWithLe("interview-strict-v2", "2.0.0", 50))), "OK");
  EXPECT_EQ(AuditEntries().back().patch_json,
            R"([{"op":"replace","path":"/agent_id","value":"interview-strict-v2"},)"
            R"({"op":"replace","path":"/schema_config/fields/3/constraints/le","value":50},)"
            R"({"op":"replace","path":"/version","value":"2.0.0"}])");
}

}  // namespace
}  // namespace agentsim

namespace agentsim {
namespace {

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
