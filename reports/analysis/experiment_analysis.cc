#include "reports/analysis/experiment_analysis.h"

#include <set>

#include "reports/analysis/ab_statistics.h"

namespace agentsim {
namespace {

struct ArmSums {
  bool proportion = false;
  double n = 0, sum = 0, sum_squares = 0;
};

std::optional<ArmSums> Sums(const VariantMetrics& v, const std::string& metric) {
  if (auto it = v.numeric.find(metric); it != v.numeric.end()) {
    return ArmSums{false, static_cast<double>(it->second.count), it->second.sum,
                   it->second.sum_of_squares};
  }
  if (auto it = v.proportions.find(metric); it != v.proportions.end()) {
    const double successes = static_cast<double>(it->second.successes);
    return ArmSums{true, static_cast<double>(it->second.trials), successes, successes};
  }
  return std::nullopt;
}

Result<EffectEstimate> Effect(const ArmSums& control, const ArmSums& variant, bool relative,
                              double alpha) {
  if (control.proportion) {
    return FrequentistTwoSided(ProportionStatistic{control.n, control.sum},
                               ProportionStatistic{variant.n, variant.sum}, relative, alpha);
  }
  return FrequentistTwoSided(SampleMeanStatistic{control.n, control.sum, control.sum_squares},
                             SampleMeanStatistic{variant.n, variant.sum, variant.sum_squares},
                             relative, alpha);
}

}  // namespace

Result<ExperimentAnalysis> AnalyzeExperiment(const ExperimentConfig& config,
                                             const std::vector<VariantMetrics>& variants,
                                             double alpha) {
  if (variants.size() != config.variants.size() || variants.size() < 2) {
    return InvalidArgument("experiment " + config.key + ": " + std::to_string(variants.size()) +
                           " variants of metrics for " + std::to_string(config.variants.size()) +
                           " configured variants");
  }
  ExperimentAnalysis out;
  std::vector<double> observed, weights;
  std::set<std::string> metric_names;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    out.variants.push_back(ExperimentVariantRow{config.key, static_cast<int>(i),
                                                config.variants[i].agent_id,
                                                config.variants[i].weight, variants[i].users});
    observed.push_back(static_cast<double>(variants[i].users));
    weights.push_back(config.variants[i].weight);
    for (const auto& [name, m] : variants[i].numeric) metric_names.insert(name);
    for (const auto& [name, m] : variants[i].proportions) metric_names.insert(name);
  }
  Result<SrmResult> srm = SrmCheck(observed, weights);
  if (!srm) return std::unexpected(srm.error());
  out.srm = ExperimentSrmRow{config.key, srm->chi2, srm->degrees_of_freedom, srm->p_value,
                             static_cast<std::int64_t>(srm->total_users),
                             std::string(SrmHealthName(srm->health))};

  for (const std::string& metric : metric_names) {
    std::optional<ArmSums> control = Sums(variants[0], metric);
    const bool proportion = control ? control->proportion
                                    : Sums(variants[1], metric).value_or(ArmSums{}).proportion;
    const std::string kind = proportion ? "proportion" : "numeric";
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const ArmSums arm = Sums(variants[i], metric).value_or(ArmSums{proportion, 0, 0, 0});
      out.metrics.push_back(ExperimentMetricRow{config.key, metric, static_cast<int>(i), kind,
                                                static_cast<std::int64_t>(arm.n), arm.sum,
                                                arm.sum_squares});
    }
    const ArmSums c = control.value_or(ArmSums{proportion, 0, 0, 0});
    for (std::size_t i = 1; i < variants.size(); ++i) {
      const ArmSums v = Sums(variants[i], metric).value_or(ArmSums{proportion, 0, 0, 0});
      Result<EffectEstimate> absolute = Effect(c, v, /*relative=*/false, alpha);
      if (!absolute) return std::unexpected(absolute.error());
      Result<EffectEstimate> relative = Effect(c, v, /*relative=*/true, alpha);
      if (!relative) return std::unexpected(relative.error());
      ExperimentResultRow row;
      row.experiment = config.key;
      row.metric = metric;
      row.variant = static_cast<int>(i);
      row.kind = kind;
      row.n_control = static_cast<std::int64_t>(c.n);
      row.n_variant = static_cast<std::int64_t>(v.n);
      row.control_mean = c.n > 0 ? c.sum / c.n : 0;
      row.variant_mean = v.n > 0 ? v.sum / v.n : 0;
      row.abs_effect = absolute->effect;
      row.abs_ci_low = absolute->ci_low;
      row.abs_ci_high = absolute->ci_high;
      row.p_value = absolute->p_value;
      row.lift = relative->effect;
      row.lift_ci_low = relative->ci_low;
      row.lift_ci_high = relative->ci_high;
      // The absolute test decides the status; a zero control mean only voids the lift.
      row.status = std::string(EffectStatusName(absolute->status));
      out.results.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace agentsim
