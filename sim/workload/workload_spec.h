// WorkloadSpec: a scenario's `workload` object (docs/scenario-format.md, docs/workload.md): when
// sessions start (the executor, or the old sessions + arrival_rate_per_s form), who the users
// are (the population), and how a simulated user behaves in a session (turns, think time,
// speaking rate, barge-in). Read by ReadWorkloadSpec (sim/workload/workload_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/rng/distribution.h"
#include "core/rng/distributions.h"
#include "sim/workload/executors.h"
#include "sim/workload/population.h"

namespace agentsim {

struct WorkloadSpec {
  // The old form: Poisson arrivals at arrival_rate_per_s until `sessions` have arrived. Used
  // when `executor` is absent (LegacyPoissonExecutor; byte-identical to the runner before
  // executors existed).
  std::int64_t sessions = 100;
  double arrival_rate_per_s = 1.0;
  std::optional<WorkloadExecutor> executor;  // workload.executor (sim/workload/executor_json.h)
  std::int64_t min_turns = 3;         // corpus source: turns per session, uniform in [min, max]
  std::int64_t max_turns = 8;
  // turns_per_session given as a distribution: a sample rounded to nearest and clamped to
  // [1, 10000] turns replaces the uniform [min, max] draw (corpus source only).
  std::optional<Distribution> turns_distribution;
  LogNormalSpec think_time_ms{1200.0, 4000.0};
  // think_time_ms given as a distribution other than {"median", "p95"}: used instead of
  // think_time_ms (same stream, its own draws).
  std::optional<Distribution> think_time_distribution;
  std::int64_t users = 0;             // distinct user ids (0: one per session)
  // The population's tenants (workload.population.tenants); users and their id style are
  // `users` above and RoutingSpec::random_user_ids, whichever key set them.
  std::vector<TenantShare> tenants;
  double speech_chars_per_s = 14.0;   // how fast the simulated user speaks
  // Barge-in: with this probability per turn the user starts speaking again barge_in_after_ms
  // after the end of their turn; if the agent is still thinking it is interrupted
  // (Agent::Interrupt), if it is speaking the user stops listening. Drawn from the session's
  // "barge_in" stream (per turn), so other draws do not move.
  double barge_in_probability = 0.0;
  LogNormalSpec barge_in_after_ms{900.0, 3000.0};
};

// The executor the runner drives: `executor`, or LegacyPoissonExecutor(sessions,
// arrival_rate_per_s).
WorkloadExecutor EffectiveExecutor(const WorkloadSpec& workload);

// A few words for the CLI's "running" line: "300 sessions" (the old form), or the executor's
// type and how long it starts sessions ("ramping-sessions for 1h 15m", "constant-arrival-rate
// for 2m 30.5s").
std::string DescribeWorkload(const WorkloadSpec& workload);

// The population as UserPopulation takes it.
PopulationSpec EffectivePopulation(const WorkloadSpec& workload, bool random_user_ids);

// A think time in µs drawn from `rng` (think_time_distribution if set, else think_time_ms).
Micros SampleThinkTimeMicros(const WorkloadSpec& workload, Rng& rng);

}  // namespace agentsim
