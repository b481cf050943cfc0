// ConfigurationStore writes: schema evolution between consecutive versions of a lineage.
#include "tests/core/config/configuration_store_writes_fixture.h"

namespace agentsim {
namespace {

using namespace store_writes_test;  // NOLINT: the shared fixture and its helpers

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
                                              public ::testing::WithParamInterface<EvolutionCase> {
};

TEST_P(ConfigurationStoreWritesEvolutionTest, BreakingChangesNeedAMajorBump) {
  ASSERT_EQ(ResultText(Create(kAna, Strict())), "OK");
  const EvolutionCase& c = GetParam();
  Result<ConfigRecord> created = Create(kAna, c.make());
  EXPECT_EQ(ResultText(created), c.status);
  const std::string outcome = created ? "ok" : "refused: " + created.error().message;
  EXPECT_EQ(LastAuditLine(), std::string("2 ana(admin) acme-hr create_agent_config ") + c.agent_id +
                                 " " + c.version + " " + outcome);
  const bool same_agent = std::string(c.agent_id) == kAgent;
  EXPECT_EQ(Current(c.agent_id), created ? std::string(c.version)
                                 : same_agent
                                     ? std::string("1.0.0")
                                     : "NOT_FOUND: no config for agent " + std::string(c.agent_id));
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
