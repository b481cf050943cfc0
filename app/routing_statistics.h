// The routing tables of a run's report, from its RunOutcome: timeline events, hot reload
// propagation, experiment analysis (reports/analysis/experiment_analysis.h) and the rollout's
// guardrail evaluations.
#pragma once

#include "reports/routing_rows.h"
#include "sim/runner.h"

namespace agentsim::app {

// Errors: kInvalidArgument when an experiment's sums cannot be analysed (non-finite values).
Result<RoutingTables> RoutingTablesOf(const RunOutcome& outcome);

}  // namespace agentsim::app
