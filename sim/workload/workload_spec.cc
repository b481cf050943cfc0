#include "sim/workload/workload_spec.h"

#include "core/log/logger.h"

namespace agentsim {

WorkloadExecutor EffectiveExecutor(const WorkloadSpec& workload) {
  if (workload.executor) return *workload.executor;
  return LegacyPoissonExecutor(workload.sessions, workload.arrival_rate_per_s);
}

std::string DescribeWorkload(const WorkloadSpec& workload) {
  if (!workload.executor) return std::to_string(workload.sessions) + " sessions";
  return std::string(ExecutorTypeName(*workload.executor)) + " for " +
         FormatVirtualTime(ExecutorEnd(*workload.executor));
}

PopulationSpec EffectivePopulation(const WorkloadSpec& workload, bool random_user_ids) {
  PopulationSpec p;
  p.users = workload.users;
  p.ids = random_user_ids ? UserIdStyle::kRandom : UserIdStyle::kSequential;
  p.tenants = workload.tenants;
  return p;
}

Micros SampleThinkTimeMicros(const WorkloadSpec& workload, Rng& rng) {
  if (workload.think_time_distribution) {
    return workload.think_time_distribution->SampleMillisAsMicros(rng);
  }
  return workload.think_time_ms.SampleMillisAsMicros(rng);
}

}  // namespace agentsim
