// TenantQuotaManager (seed: "Resource Quotas"): per-tier limits on concurrent sessions, agents
// and LLM calls per day. Days are virtual: day d is [d * 86,400 s, (d + 1) * 86,400 s) of the
// Clock. Every refusal is counted per tenant and reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

struct TierQuota {
  std::int64_t max_sessions = 0;  // concurrent
  std::int64_t max_agents = 0;    // distinct agent_ids created by the tenant
  std::int64_t max_llm_calls_per_day = 0;
};

// The seed's tiers: free 10/3/1,000; pro 100/20/50,000; enterprise 1,000/100/1,000,000.
std::map<std::string, TierQuota> DefaultTierQuotas();

enum class QuotaResource { kSessions, kAgents, kLlmCallsPerDay };
// "max_sessions", "max_agents", "max_llm_calls_per_day" (the seed's keys).
std::string_view QuotaResourceName(QuotaResource resource);

class TenantQuotaManager {
 public:
  struct Refusal {
    std::string tenant_id;
    std::string resource;  // QuotaResourceName
    std::uint64_t count = 0;
    friend bool operator==(const Refusal&, const Refusal&) = default;
  };

  // `tiers` by name; `clock` not owned.
  TenantQuotaManager(std::map<std::string, TierQuota> tiers, const Clock* clock);

  // Sets a tenant's tier; its usage is kept (a change of tier changes only the limits). Errors:
  // kInvalidArgument for an unknown tier, naming the known ones.
  Status SetTier(const std::string& tenant_id, const std::string& tier);

  // Takes one unit of `resource` for `tenant_id` when below its limit (kAgents: the caller
  // acquires once per distinct agent_id; kLlmCallsPerDay: the count of the Clock's current
  // virtual day, 0 at the start of each day). Errors:
  // kResourceExhausted "tenant acme (free) is at max_sessions = 10" (counted as a refusal);
  // kFailedPrecondition "tenant acme has no tier" for a tenant without a tier (not counted).
  Status Acquire(const std::string& tenant_id, QuotaResource resource);
  // Returns one concurrent session (only kSessions is released). No-op at 0.
  void ReleaseSession(const std::string& tenant_id);

  // Units held (kLlmCallsPerDay: calls on the current virtual day); 0 for an unknown tenant.
  std::int64_t Usage(const std::string& tenant_id, QuotaResource resource) const;
  // Refusals per (tenant, resource), ordered by tenant then resource name (byte order).
  std::vector<Refusal> Refusals() const;

 private:
  struct TenantUsage {
    std::int64_t sessions = 0;
    std::int64_t agents = 0;
    std::int64_t llm_day = -1;  // the virtual day llm_calls counts
    std::int64_t llm_calls = 0;
  };
  std::map<std::string, TierQuota> tiers_;
  const Clock* clock_;
  std::map<std::string, std::string> tier_of_;
  std::map<std::string, TenantUsage> usage_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> refusals_;
};

}  // namespace agentsim
