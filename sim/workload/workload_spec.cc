#include "sim/workload/workload_spec.h"

#include <fmt/format.h>

namespace agentsim {

WorkloadExecutor EffectiveExecutor(const WorkloadSpec& workload) {
  if (workload.executor) return *workload.executor;
  return LegacyPoissonExecutor(workload.sessions, workload.arrival_rate_per_s);
}

namespace {

// "1h 15m", "6m", "2m 30.5s", "0.25s": the parts that are not zero.
std::string HumanDuration(Micros us) {
  const std::int64_t h = us / (3600 * kMicrosPerSecond);
  const std::int64_t m = us / (60 * kMicrosPerSecond) % 60;
  const double s = static_cast<double>(us % (60 * kMicrosPerSecond)) / 1e6;
  std::string out;
  if (h > 0) out += fmt::format("{}h", h);
  if (m > 0) out += fmt::format("{}{}m", out.empty() ? "" : " ", m);
  if (s > 0 || out.empty()) out += fmt::format("{}{}s", out.empty() ? "" : " ", s);
  return out;
}

}  // namespace

std::string DescribeWorkload(const WorkloadSpec& workload) {
  if (!workload.executor) return std::to_string(workload.sessions) + " sessions";
  return std::string(ExecutorTypeName(*workload.executor)) + " for " +
         HumanDuration(ExecutorEnd(*workload.executor));
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
