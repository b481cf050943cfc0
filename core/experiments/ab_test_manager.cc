#include "core/experiments/ab_test_manager.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>

#include "core/experiments/growthbook_hash.h"

namespace agentsim {
namespace {

constexpr std::string_view kRolloutSeedPrefix = "rollout:";

std::string Number(double d) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  if (ec != std::errc()) return "?";
  return std::string(buf.data(), end);
}

bool InUnitInterval(double d) { return d >= 0 && d <= 1; }  // false for NaN

Status Validate(const ExperimentConfig& c) {
  if (c.key.empty()) return InvalidArgument("experiment key is empty");
  const std::string prefix = "experiment " + c.key + ": ";
  if (c.variants.size() < 2) {
    return InvalidArgument(prefix + std::to_string(c.variants.size()) +
                           " variants; an experiment needs at least 2");
  }
  double total = 0;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const ExperimentVariant& v = c.variants[i];
    const std::string at = prefix + "variants[" + std::to_string(i) + "]: ";
    if (v.agent_id.empty()) return InvalidArgument(at + "agent_id is empty");
    if (!std::isfinite(v.weight) || v.weight < 0) {
      return InvalidArgument(at + "weight " + Number(v.weight) + " is not a finite number >= 0");
    }
    total += v.weight;
  }
  if (total < 0.99 || total > 1.01) {
    return InvalidArgument(prefix + "weights sum to " + Number(total) + ", not 1 (+/- 0.01)");
  }
  if (!InUnitInterval(c.coverage)) {
    return InvalidArgument(prefix + "coverage " + Number(c.coverage) + " is outside [0, 1]");
  }
  if (c.namespace_range.has_value()) {
    const ExperimentNamespace& ns = *c.namespace_range;
    if (ns.id.empty()) return InvalidArgument(prefix + "namespace id is empty");
    if (!(ns.start >= 0 && ns.start < ns.end && ns.end <= 1)) {
      return InvalidArgument(prefix + "namespace " + ns.id + " range [" + Number(ns.start) + ", " +
                             Number(ns.end) + ") is not within 0 <= start < end <= 1");
    }
  }
  const std::string_view seed = c.seed.empty() ? std::string_view(c.key) : c.seed;
  if (seed.starts_with(kRolloutSeedPrefix)) {
    return InvalidArgument(prefix + "hash seed " + std::string(seed) +
                           " starts with \"rollout:\", which rollouts use");
  }
  return {};
}

}  // namespace

double NumericMetric::Mean() const { return count > 0 ? sum / static_cast<double>(count) : 0.0; }

double NumericMetric::SampleVariance() const {
  if (count < 2) return 0.0;
  const double n = static_cast<double>(count);
  const double variance = (sum_of_squares - sum * sum / n) / (n - 1);
  return variance > 0 ? variance : 0.0;  // rounding can make a zero variance slightly negative
}

double ProportionMetric::Rate() const {
  return trials > 0 ? static_cast<double>(successes) / static_cast<double>(trials) : 0.0;
}

Status ABTestManager::AddExperiment(ExperimentConfig config) {
  if (Status s = Validate(config); !s) return s;
  if (experiments_.contains(config.key)) {
    return AlreadyExists("experiment " + config.key + " exists already");
  }
  std::vector<double> weights;
  weights.reserve(config.variants.size());
  for (const ExperimentVariant& v : config.variants) weights.push_back(v.weight);
  Experiment e;
  e.ranges = GetBucketRanges(static_cast<int>(config.variants.size()), config.coverage,
                             std::move(weights));
  e.metrics.resize(config.variants.size());
  e.config = std::move(config);
  const std::string key = e.config.key;
  experiments_.emplace(key, std::move(e));
  return {};
}

Result<ABTestManager::Experiment*> ABTestManager::Find(std::string_view experiment) {
  auto it = experiments_.find(experiment);
  if (it == experiments_.end()) {
    return NotFound("no experiment " + std::string(experiment));
  }
  return &it->second;
}

Result<const ABTestManager::Experiment*> ABTestManager::Find(std::string_view experiment) const {
  auto it = experiments_.find(experiment);
  if (it == experiments_.end()) {
    return NotFound("no experiment " + std::string(experiment));
  }
  return &it->second;
}

Result<Assignment> ABTestManager::Assign(std::string_view experiment, std::string_view user_id) {
  Result<Experiment*> found = Find(experiment);
  if (!found) return std::unexpected(found.error());
  Experiment& e = **found;
  if (user_id.empty()) return Assignment{};
  if (auto it = e.assignments.find(user_id); it != e.assignments.end()) {
    if (!it->second.has_value()) return Assignment{};
    const int v = *it->second;
    return Assignment{v, e.config.variants[static_cast<std::size_t>(v)].agent_id};
  }
  std::optional<int> variant;
  const std::optional<ExperimentNamespace>& ns = e.config.namespace_range;
  if (!ns.has_value() || InNamespace(user_id, ns->id, ns->start, ns->end)) {
    const std::string_view seed = e.config.seed.empty() ? e.config.key : e.config.seed;
    const int chosen = ChooseVariation(GrowthBookHash(seed, user_id, 2).value_or(0.0), e.ranges);
    if (chosen >= 0) variant = chosen;
  }
  e.assignments.emplace(std::string(user_id), variant);
  if (!variant.has_value()) return Assignment{};
  const auto index = static_cast<std::size_t>(*variant);
  ++e.metrics[index].users;
  return Assignment{variant, e.config.variants[index].agent_id};
}

Result<VariantMetrics*> ABTestManager::VariantFor(std::string_view experiment, int variant,
                                                  std::string_view metric, bool numeric) {
  Result<Experiment*> found = Find(experiment);
  if (!found) return std::unexpected(found.error());
  Experiment& e = **found;
  if (variant < 0 || static_cast<std::size_t>(variant) >= e.metrics.size()) {
    return InvalidArgument("experiment " + e.config.key + ": no variant " +
                           std::to_string(variant) + " (it has " +
                           std::to_string(e.metrics.size()) + ")");
  }
  if (metric.empty()) {
    return InvalidArgument("experiment " + e.config.key + ": empty metric name");
  }
  // A name is numeric or a proportion in every variant of the experiment.
  for (const VariantMetrics& m : e.metrics) {
    if (numeric ? m.proportions.contains(metric) : m.numeric.contains(metric)) {
      return InvalidArgument("experiment " + e.config.key + ": metric " + std::string(metric) +
                             " is recorded as a " + (numeric ? "proportion" : "numeric metric"));
    }
  }
  return &e.metrics[static_cast<std::size_t>(variant)];
}

Status ABTestManager::RecordNumeric(std::string_view experiment, int variant,
                                    std::string_view metric, double value) {
  Result<VariantMetrics*> m = VariantFor(experiment, variant, metric, /*numeric=*/true);
  if (!m) return std::unexpected(m.error());
  if (!std::isfinite(value)) {
    return InvalidArgument("experiment " + std::string(experiment) + ": metric " +
                           std::string(metric) + " value " + Number(value) + " is not finite");
  }
  auto it = (*m)->numeric.find(metric);
  if (it == (*m)->numeric.end())
    it = (*m)->numeric.emplace(std::string(metric), NumericMetric{}).first;
  NumericMetric& n = it->second;
  ++n.count;
  n.sum += value;
  n.sum_of_squares += value * value;
  return {};
}

Status ABTestManager::RecordProportion(std::string_view experiment, int variant,
                                       std::string_view metric, bool success) {
  Result<VariantMetrics*> m = VariantFor(experiment, variant, metric, /*numeric=*/false);
  if (!m) return std::unexpected(m.error());
  auto it = (*m)->proportions.find(metric);
  if (it == (*m)->proportions.end()) {
    it = (*m)->proportions.emplace(std::string(metric), ProportionMetric{}).first;
  }
  ++it->second.trials;
  if (success) ++it->second.successes;
  return {};
}

std::vector<std::string> ABTestManager::ExperimentKeys() const {
  std::vector<std::string> keys;
  keys.reserve(experiments_.size());
  for (const auto& [key, e] : experiments_) keys.push_back(key);
  return keys;
}

Result<ExperimentConfig> ABTestManager::Config(std::string_view experiment) const {
  Result<const Experiment*> found = Find(experiment);
  if (!found) return std::unexpected(found.error());
  return (*found)->config;
}

Result<AssignmentLog> ABTestManager::Assignments(std::string_view experiment) const {
  Result<const Experiment*> found = Find(experiment);
  if (!found) return std::unexpected(found.error());
  return (*found)->assignments;
}

Result<std::vector<VariantMetrics>> ABTestManager::Metrics(std::string_view experiment) const {
  Result<const Experiment*> found = Find(experiment);
  if (!found) return std::unexpected(found.error());
  return (*found)->metrics;
}

}  // namespace agentsim
