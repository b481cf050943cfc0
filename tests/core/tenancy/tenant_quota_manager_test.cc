#include "core/tenancy/tenant_quota_manager.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {

// GoogleTest's printer for failure messages ("acme/max_sessions x2").
void PrintTo(const TenantQuotaManager::Refusal& r, std::ostream* os) {
  *os << r.tenant_id << "/" << r.resource << " x" << r.count;
}

namespace {

constexpr Micros kDayUs = 86'400 * kMicrosPerSecond;

TEST(TenantQuotaManagerTest, DefaultTiersAreTheSeeds) {
  std::map<std::string, TierQuota> tiers = DefaultTierQuotas();
  ASSERT_EQ(tiers.size(), 3u);
  struct Case {
    std::string tier;
    std::int64_t sessions, agents, llm_calls;
  };
  for (const Case& c : std::vector<Case>{{"free", 10, 3, 1'000},
                                         {"pro", 100, 20, 50'000},
                                         {"enterprise", 1'000, 100, 1'000'000}}) {
    ASSERT_TRUE(tiers.contains(c.tier)) << c.tier;
    EXPECT_EQ(tiers[c.tier].max_sessions, c.sessions) << c.tier;
    EXPECT_EQ(tiers[c.tier].max_agents, c.agents) << c.tier;
    EXPECT_EQ(tiers[c.tier].max_llm_calls_per_day, c.llm_calls) << c.tier;
  }
}

TEST(TenantQuotaManagerTest, ResourceNamesAreTheSeedKeys) {
  EXPECT_EQ(QuotaResourceName(QuotaResource::kSessions), "max_sessions");
  EXPECT_EQ(QuotaResourceName(QuotaResource::kAgents), "max_agents");
  EXPECT_EQ(QuotaResourceName(QuotaResource::kLlmCallsPerDay), "max_llm_calls_per_day");
}

struct LimitCase {
  std::string tier;
  QuotaResource resource;
  std::int64_t limit;
  std::string refusal;
};

TEST(TenantQuotaManagerTest, EveryQuotaAdmitsUpToItsLimitAndRefusesOnePast) {
  const std::vector<LimitCase> cases = {
      {"free", QuotaResource::kSessions, 10, "tenant acme (free) is at max_sessions = 10"},
      {"free", QuotaResource::kAgents, 3, "tenant acme (free) is at max_agents = 3"},
      {"free", QuotaResource::kLlmCallsPerDay, 1'000,
       "tenant acme (free) is at max_llm_calls_per_day = 1000"},
      {"pro", QuotaResource::kSessions, 100, "tenant acme (pro) is at max_sessions = 100"},
      {"pro", QuotaResource::kAgents, 20, "tenant acme (pro) is at max_agents = 20"},
      {"pro", QuotaResource::kLlmCallsPerDay, 50'000,
       "tenant acme (pro) is at max_llm_calls_per_day = 50000"},
      {"enterprise", QuotaResource::kSessions, 1'000,
       "tenant acme (enterprise) is at max_sessions = 1000"},
      {"enterprise", QuotaResource::kAgents, 100,
       "tenant acme (enterprise) is at max_agents = 100"},
      {"enterprise", QuotaResource::kLlmCallsPerDay, 1'000'000,
       "tenant acme (enterprise) is at max_llm_calls_per_day = 1000000"},
  };
  for (const LimitCase& c : cases) {
    const std::string name = c.tier + "/" + std::string(QuotaResourceName(c.resource));
    EventLoop loop;
    TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
    ASSERT_TRUE(quotas.SetTier("acme", c.tier).has_value()) << name;
    std::int64_t admitted = 0;
    for (std::int64_t i = 0; i < c.limit; ++i) {
      if (quotas.Acquire("acme", c.resource).has_value()) ++admitted;
    }
    EXPECT_EQ(admitted, c.limit) << name;
    EXPECT_EQ(quotas.Usage("acme", c.resource), c.limit) << name;

    Status past = quotas.Acquire("acme", c.resource);
    ASSERT_FALSE(past.has_value()) << name;
    EXPECT_EQ(past.error().code, ErrorCode::kResourceExhausted) << name;
    EXPECT_EQ(past.error().message, c.refusal) << name;
    EXPECT_EQ(quotas.Usage("acme", c.resource), c.limit) << name;  // a refusal takes nothing
    const std::vector<TenantQuotaManager::Refusal> expected = {
        {"acme", std::string(QuotaResourceName(c.resource)), 1}};
    EXPECT_EQ(quotas.Refusals(), expected) << name;
  }
}

TEST(TenantQuotaManagerTest, ReleasedSessionsMakeRoom) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  ASSERT_TRUE(quotas.SetTier("acme", "free").has_value());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(quotas.Acquire("acme", QuotaResource::kSessions));
  EXPECT_FALSE(quotas.Acquire("acme", QuotaResource::kSessions).has_value());

  quotas.ReleaseSession("acme");
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kSessions), 9);
  EXPECT_TRUE(quotas.Acquire("acme", QuotaResource::kSessions).has_value());
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kSessions), 10);

  for (int i = 0; i < 12; ++i) quotas.ReleaseSession("acme");  // never below 0
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kSessions), 0);
  quotas.ReleaseSession("nobody");
  EXPECT_EQ(quotas.Usage("nobody", QuotaResource::kSessions), 0);
}

TEST(TenantQuotaManagerTest, LlmCallsResetAtTheNextVirtualDayOnly) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  ASSERT_TRUE(quotas.SetTier("acme", "free").has_value());
  for (int i = 0; i < 1'000; ++i) {
    ASSERT_TRUE(quotas.Acquire("acme", QuotaResource::kLlmCallsPerDay));
  }
  ASSERT_TRUE(quotas.Acquire("acme", QuotaResource::kSessions));
  ASSERT_TRUE(quotas.Acquire("acme", QuotaResource::kAgents));

  loop.RunUntil(kDayUs - 1);  // last µs of day 0
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 1'000);
  EXPECT_FALSE(quotas.Acquire("acme", QuotaResource::kLlmCallsPerDay).has_value());

  loop.RunUntil(kDayUs);  // first µs of day 1
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 0);
  EXPECT_TRUE(quotas.Acquire("acme", QuotaResource::kLlmCallsPerDay).has_value());
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 1);
  // Sessions and agents are not per day.
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kSessions), 1);
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kAgents), 1);

  loop.RunUntil(3 * kDayUs + 5);  // skipping days also starts afresh
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 0);
  EXPECT_TRUE(quotas.Acquire("acme", QuotaResource::kLlmCallsPerDay).has_value());
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 1);
}

TEST(TenantQuotaManagerTest, RefusalsAreCountedPerTenantAndResource) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  ASSERT_TRUE(quotas.SetTier("globex", "pro").has_value());
  ASSERT_TRUE(quotas.SetTier("acme", "free").has_value());
  auto fill = [&](const std::string& tenant, QuotaResource resource, int attempts) {
    for (int i = 0; i < attempts; ++i) (void)quotas.Acquire(tenant, resource);
  };
  fill("globex", QuotaResource::kAgents, 20 + 3);
  fill("acme", QuotaResource::kSessions, 10 + 2);
  fill("acme", QuotaResource::kAgents, 3 + 1);
  fill("acme", QuotaResource::kLlmCallsPerDay, 999);  // below the limit: no refusal
  fill("nobody", QuotaResource::kSessions, 4);        // no tier: not a quota refusal

  const std::vector<TenantQuotaManager::Refusal> expected = {
      {"acme", "max_agents", 1},
      {"acme", "max_sessions", 2},
      {"globex", "max_agents", 3},
  };
  EXPECT_EQ(quotas.Refusals(), expected);
  EXPECT_EQ(quotas.Usage("globex", QuotaResource::kSessions), 0);  // tenants are isolated
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kLlmCallsPerDay), 999);
}

TEST(TenantQuotaManagerTest, UnknownTierIsRefused) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  Status status = quotas.SetTier("acme", "gold");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message,
            "unknown tier \"gold\" for tenant acme: expected one of enterprise, free, pro");
  // The tenant still has no tier.
  Status acquire = quotas.Acquire("acme", QuotaResource::kSessions);
  ASSERT_FALSE(acquire.has_value());
  EXPECT_EQ(acquire.error().code, ErrorCode::kFailedPrecondition);
}

TEST(TenantQuotaManagerTest, TenantWithoutTierCannotAcquire) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  for (QuotaResource r :
       {QuotaResource::kSessions, QuotaResource::kAgents, QuotaResource::kLlmCallsPerDay}) {
    Status status = quotas.Acquire("nobody", r);
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(status.error().message, "tenant nobody has no tier");
    EXPECT_EQ(quotas.Usage("nobody", r), 0);
  }
  EXPECT_TRUE(quotas.Refusals().empty());
}

TEST(TenantQuotaManagerTest, ChangingTierKeepsUsageAndChangesLimits) {
  EventLoop loop;
  TenantQuotaManager quotas(DefaultTierQuotas(), &loop);
  ASSERT_TRUE(quotas.SetTier("acme", "free").has_value());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(quotas.Acquire("acme", QuotaResource::kAgents));
  EXPECT_FALSE(quotas.Acquire("acme", QuotaResource::kAgents).has_value());

  ASSERT_TRUE(quotas.SetTier("acme", "pro").has_value());
  EXPECT_TRUE(quotas.Acquire("acme", QuotaResource::kAgents).has_value());
  EXPECT_EQ(quotas.Usage("acme", QuotaResource::kAgents), 4);

  ASSERT_TRUE(quotas.SetTier("acme", "free").has_value());
  Status status = quotas.Acquire("acme", QuotaResource::kAgents);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "tenant acme (free) is at max_agents = 3");
}

TEST(TenantQuotaManagerTest, CustomTiersAreHonoured) {
  EventLoop loop;
  TenantQuotaManager quotas({{"tiny", TierQuota{.max_sessions = 1}}}, &loop);
  ASSERT_TRUE(quotas.SetTier("acme", "tiny").has_value());
  EXPECT_TRUE(quotas.Acquire("acme", QuotaResource::kSessions).has_value());
  EXPECT_FALSE(quotas.Acquire("acme", QuotaResource::kSessions).has_value());
  Status none = quotas.Acquire("acme", QuotaResource::kAgents);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().message, "tenant acme (tiny) is at max_agents = 0");
}

}  // namespace
}  // namespace agentsim
