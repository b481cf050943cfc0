// Rows of the routing tables of a report (docs/report-schema.md): timeline events, hot reload
// propagation, experiments (variants, per-user metric sums, SRM, effects), rollout guardrail
// evaluations and offline comparisons. Written once, with the run statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/clock.h"

namespace agentsim {

struct TimelineEventRow {
  Micros at_us = 0;
  std::string source;  // timeline | rollout | hot_reload
  std::string kind;
  std::string subject;
  std::string outcome;  // ok | failed | not_applied
  std::string detail;
};

struct PropagationRow {
  std::uint64_t sequence = 0;
  int worker = 0;
  std::string agent_id;
  std::string version;
  Micros published_at_us = 0;
  Micros applied_at_us = 0;
  std::optional<Micros> first_served_at_us;  // NULL: no turn on that worker used it
  std::uint64_t sessions_notified = 0;
};

struct ExperimentVariantRow {
  std::string experiment;
  int variant = 0;
  std::string agent_id;
  double weight = 0;
  std::int64_t users = 0;
};

// Per-user sums of one metric in one variant (n users; for a proportion sum = converted users
// and sum_squares = sum).
struct ExperimentMetricRow {
  std::string experiment;
  std::string metric;
  int variant = 0;
  std::string kind;  // numeric | proportion
  std::int64_t n = 0;
  double sum = 0;
  double sum_squares = 0;
};

struct ExperimentSrmRow {
  std::string experiment;
  double chi2 = 0;
  double dof = 0;
  double p_value = 1;
  std::int64_t total_users = 0;
  std::string health;  // healthy | unhealthy | not_enough_traffic
};

// One variant against the control (variant 0) on one metric: Welch two-sided t-test, absolute
// (metric units) and relative (lift, a fraction of the control mean) with their 95% intervals.
struct ExperimentResultRow {
  std::string experiment;
  std::string metric;
  int variant = 0;
  std::string kind;
  std::int64_t n_control = 0;
  std::int64_t n_variant = 0;
  double control_mean = 0;
  double variant_mean = 0;
  double abs_effect = 0;
  double abs_ci_low = 0;
  double abs_ci_high = 0;
  double p_value = 1;
  double lift = 0;
  double lift_ci_low = 0;
  double lift_ci_high = 0;
  std::string status;  // ok, or why gbstats would not compute it
};

struct RolloutEvaluationRow {
  std::string rollout_id;
  int stage = 0;
  Micros at_us = 0;
  std::int64_t old_outcomes = 0;
  double old_fallback_rate = 0, old_error_rate = 0, old_ttfa_p95_us = 0;
  std::int64_t new_outcomes = 0;
  double new_fallback_rate = 0, new_error_rate = 0, new_ttfa_p95_us = 0;
  bool passed = false;
  std::string breaches;  // one per line
};

// A paired comparison of one variant against the baseline on one per-session metric
// (agentsim compare): mean of the per-session differences, its 95% t interval and p-value.
struct ComparisonRow {
  std::string metric;
  std::string variant;
  std::string baseline;
  std::int64_t pairs = 0;
  double baseline_mean = 0;
  double variant_mean = 0;
  double mean_diff = 0;
  double ci_low = 0;
  double ci_high = 0;
  double p_value = 1;
  std::string status;  // ok | no_pairs | zero_variance
};

// Resilience and fault injection (issue #4/#5).
struct BreakerTransitionRow {
  int worker = 0;
  std::string provider;
  Micros at_us = 0;
  std::string from_state;
  std::string to_state;
  std::string reason;
};
struct InjectedFaultRow {
  Micros at_us = 0;
  std::string backend;  // llm | tts | store | shared_cache | room
  std::string provider;
  std::string kind;     // outage | rate_limited | error | timeout | stall | malformed |
                        // disconnect | slow
  std::string site;     // "" fault model, "timeline", or a chaos site (mocks/chaos_sites.h)
};
struct ChaosSiteRow {
  std::string site;
  bool enabled = false;
  std::int64_t opportunities = 0;
  std::int64_t fired = 0;
};

struct RoutingTables {
  std::vector<TimelineEventRow> timeline;
  std::vector<PropagationRow> propagation;
  std::vector<ExperimentVariantRow> experiment_variants;
  std::vector<ExperimentMetricRow> experiment_metrics;
  std::vector<ExperimentSrmRow> experiment_srm;
  std::vector<ExperimentResultRow> experiment_results;
  std::vector<RolloutEvaluationRow> rollout_evaluations;
  std::vector<ComparisonRow> comparisons;
  std::vector<BreakerTransitionRow> breaker_transitions;  // by (at_us, worker, provider)
  std::vector<InjectedFaultRow> injected_faults;          // as RunOutcome::injected_faults
  std::vector<ChaosSiteRow> chaos_sites;                  // chaos mode only
};

}  // namespace agentsim
