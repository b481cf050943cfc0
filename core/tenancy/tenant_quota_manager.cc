#include "core/tenancy/tenant_quota_manager.h"

#include <utility>

namespace agentsim {
namespace {

constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;

// The virtual day of `t_us` (floor division, so that day -1 precedes day 0).
std::int64_t DayOf(Micros t_us) {
  std::int64_t day = t_us / kMicrosPerDay;
  return (t_us % kMicrosPerDay < 0) ? day - 1 : day;
}

std::int64_t LimitOf(const TierQuota& quota, QuotaResource resource) {
  switch (resource) {
    case QuotaResource::kSessions:
      return quota.max_sessions;
    case QuotaResource::kAgents:
      return quota.max_agents;
    case QuotaResource::kLlmCallsPerDay:
      return quota.max_llm_calls_per_day;
  }
  return 0;
}

}  // namespace

std::map<std::string, TierQuota> DefaultTierQuotas() {
  return {
      {"free", TierQuota{.max_sessions = 10, .max_agents = 3, .max_llm_calls_per_day = 1'000}},
      {"pro", TierQuota{.max_sessions = 100, .max_agents = 20, .max_llm_calls_per_day = 50'000}},
      {"enterprise",
       TierQuota{.max_sessions = 1'000, .max_agents = 100, .max_llm_calls_per_day = 1'000'000}},
  };
}

std::string_view QuotaResourceName(QuotaResource resource) {
  switch (resource) {
    case QuotaResource::kSessions:
      return "max_sessions";
    case QuotaResource::kAgents:
      return "max_agents";
    case QuotaResource::kLlmCallsPerDay:
      return "max_llm_calls_per_day";
  }
  return "unknown_resource";
}

TenantQuotaManager::TenantQuotaManager(std::map<std::string, TierQuota> tiers, const Clock* clock)
    : tiers_(std::move(tiers)), clock_(clock) {}

Status TenantQuotaManager::SetTier(const std::string& tenant_id, const std::string& tier) {
  if (!tiers_.contains(tier)) {
    std::string known;
    for (const auto& [name, quota] : tiers_) {
      known += known.empty() ? name : ", " + name;
    }
    return InvalidArgument("unknown tier \"" + tier + "\" for tenant " + tenant_id +
                           ": expected one of " + (known.empty() ? "(none)" : known));
  }
  tier_of_[tenant_id] = tier;
  return {};
}

Status TenantQuotaManager::Acquire(const std::string& tenant_id, QuotaResource resource) {
  auto tier = tier_of_.find(tenant_id);
  if (tier == tier_of_.end()) {
    return FailedPrecondition("tenant " + tenant_id + " has no tier");
  }
  const std::int64_t limit = LimitOf(tiers_.at(tier->second), resource);
  TenantUsage& usage = usage_[tenant_id];
  std::int64_t* used = nullptr;
  switch (resource) {
    case QuotaResource::kSessions:
      used = &usage.sessions;
      break;
    case QuotaResource::kAgents:
      used = &usage.agents;
      break;
    case QuotaResource::kLlmCallsPerDay: {
      const std::int64_t today = DayOf(clock_->NowMicros());
      if (usage.llm_day != today) {
        usage.llm_day = today;
        usage.llm_calls = 0;
      }
      used = &usage.llm_calls;
      break;
    }
  }
  if (used == nullptr) return Internal("unknown quota resource");
  if (*used >= limit) {
    const std::string name(QuotaResourceName(resource));
    ++refusals_[{tenant_id, name}];
    return MakeError(ErrorCode::kResourceExhausted, "tenant " + tenant_id + " (" + tier->second +
                                                        ") is at " + name + " = " +
                                                        std::to_string(limit));
  }
  ++*used;
  return {};
}

void TenantQuotaManager::ReleaseSession(const std::string& tenant_id) {
  auto it = usage_.find(tenant_id);
  if (it != usage_.end() && it->second.sessions > 0) --it->second.sessions;
}

std::int64_t TenantQuotaManager::Usage(const std::string& tenant_id, QuotaResource resource) const {
  auto it = usage_.find(tenant_id);
  if (it == usage_.end()) return 0;
  const TenantUsage& usage = it->second;
  switch (resource) {
    case QuotaResource::kSessions:
      return usage.sessions;
    case QuotaResource::kAgents:
      return usage.agents;
    case QuotaResource::kLlmCallsPerDay:
      return usage.llm_day == DayOf(clock_->NowMicros()) ? usage.llm_calls : 0;
  }
  return 0;
}

std::vector<TenantQuotaManager::Refusal> TenantQuotaManager::Refusals() const {
  std::vector<Refusal> out;
  out.reserve(refusals_.size());
  for (const auto& [key, count] : refusals_) {
    out.push_back(Refusal{.tenant_id = key.first, .resource = key.second, .count = count});
  }
  return out;
}

}  // namespace agentsim
