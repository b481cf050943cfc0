// Experiment analysis: from an experiment's per-variant, per-user metric sums (ABTestManager)
// to the report's experiment tables, as GrowthBook analyses an experiment:
//   - sample ratio mismatch over the users per variant against the configured weights
//     (SrmCheck: chi-square, flagged at p < 0.001 with enough users);
//   - for each metric and each variant against the control (variant 0): means, the absolute
//     effect and the relative lift with two-sided Welch t-tests and 95% intervals
//     (FrequentistTwoSided, numbers as gbstats'; proportions as ProportionStatistic).
// Metrics are listed in byte order of name; a metric recorded by no variant is skipped.
#pragma once

#include <vector>

#include "core/experiments/ab_test_manager.h"
#include "core/util/error.h"
#include "reports/routing_rows.h"

namespace agentsim {

struct ExperimentAnalysis {
  std::vector<ExperimentVariantRow> variants;
  std::vector<ExperimentMetricRow> metrics;
  ExperimentSrmRow srm;
  std::vector<ExperimentResultRow> results;
};

// Errors: kInvalidArgument when `variants` does not match the config's variants, or the
// statistics functions refuse the sums (non-finite values).
Result<ExperimentAnalysis> AnalyzeExperiment(const ExperimentConfig& config,
                                             const std::vector<VariantMetrics>& variants,
                                             double alpha = 0.05);

}  // namespace agentsim
