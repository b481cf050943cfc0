#include "app/routing_statistics.h"

#include "core/util/strings.h"
#include "reports/analysis/experiment_analysis.h"

namespace agentsim::app {

Result<RoutingTables> RoutingTablesOf(const RunOutcome& o) {
  RoutingTables t;
  for (const TimelineRecord& e : o.timeline) {
    t.timeline.push_back({e.at_us, e.source, e.kind, e.subject, e.outcome, e.detail});
  }
  for (const PropagationRecord& p : o.propagation) {
    PropagationRow row{p.sequence,        p.worker,        p.agent_id, p.version,
                       p.published_at_us, p.applied_at_us, std::nullopt, p.sessions_notified};
    if (p.first_served_at_us >= 0) row.first_served_at_us = p.first_served_at_us;
    t.propagation.push_back(std::move(row));
  }
  for (const ExperimentOutcome& e : o.experiments) {
    Result<ExperimentAnalysis> analysis = AnalyzeExperiment(e.config, e.variants);
    if (!analysis) return std::unexpected(analysis.error());
    t.experiment_variants.insert(t.experiment_variants.end(), analysis->variants.begin(),
                                 analysis->variants.end());
    t.experiment_metrics.insert(t.experiment_metrics.end(), analysis->metrics.begin(),
                                analysis->metrics.end());
    t.experiment_srm.push_back(analysis->srm);
    t.experiment_results.insert(t.experiment_results.end(), analysis->results.begin(),
                                analysis->results.end());
  }
  if (o.rollout) {
    for (const StageEvaluation& e : o.rollout->evaluations) {
      t.rollout_evaluations.push_back(RolloutEvaluationRow{
          o.rollout->config.id, e.stage, e.at_us, e.old_arm.outcomes, e.old_arm.fallback_rate,
          e.old_arm.error_rate, e.old_arm.ttfa_p95_us, e.new_arm.outcomes,
          e.new_arm.fallback_rate, e.new_arm.error_rate, e.new_arm.ttfa_p95_us, e.passed,
          JoinLines(e.breaches)});
    }
  }
  for (const auto& [worker, p] : o.breaker_transitions) {
    t.breaker_transitions.push_back({worker, p.provider, p.transition.at_us,
                                     std::string(BreakerStateName(p.transition.from)),
                                     std::string(BreakerStateName(p.transition.to)),
                                     p.transition.reason});
  }
  for (const InjectedFault& f : o.injected_faults) {
    t.injected_faults.push_back({f.at_us, std::string(f.backend), f.provider,
                                 std::string(FaultKindName(f.kind)), std::string(f.site)});
  }
  for (const ChaosSiteStats& c : o.chaos_sites) {
    t.chaos_sites.push_back({std::string(c.site), c.enabled,
                             static_cast<std::int64_t>(c.opportunities),
                             static_cast<std::int64_t>(c.fired)});
  }
  return t;
}

}  // namespace agentsim::app
