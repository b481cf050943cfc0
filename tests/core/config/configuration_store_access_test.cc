// ConfigurationStore writes: the RBAC matrix and tenant isolation, every denial audited.
#include "tests/core/config/configuration_store_writes_fixture.h"

namespace agentsim {
namespace {

using namespace store_writes_test;  // NOLINT: the shared fixture and its helpers

// ---- RBAC ----

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
  const std::string status = Apply(c.op, c.who);
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
  const std::string status = Apply(c.op, c.who);
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

}  // namespace
}  // namespace agentsim
