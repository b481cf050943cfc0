// ABTestManager: A/B/n tests of agent configurations (seed: "A/B Testing Framework",
// generalised from two variants and a split to N weighted variants, coverage and namespaces).
//
// Assignment is GrowthBook's, so an assignment here equals the one a GrowthBook SDK would make:
//   1. with a namespace (id, start, end): users outside InNamespace(user_id, id, start, end) are
//      not in the experiment (namespaces keep mutually exclusive experiments apart);
//   2. n = GrowthBookHash(seed, user_id, 2), seed = the experiment key unless set;
//   3. variant = ChooseVariation(n, GetBucketRanges(N, coverage, weights)); -1 = not in it.
// Hence: the same user gets the same variant on every call, in every instance and process (no
// salt); weights and coverage are realised in proportion; reducing coverage only drops users
// out and never moves one to another variant. Rollouts (TrafficRouter) hash with
// "rollout:" + id; seeds starting with "rollout:" are refused so the two never share a split.
//
// Every assignment is recorded per user (ordered by user id, for the report), and per-variant
// accumulators collect numeric metrics (count, sum, sum of squares: enough for means, variances
// and Welch's t-test) and proportions (trials, successes) by metric name.
// Pure and deterministic; no clock, no randomness. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

// Metric names for per-event recording. The simulator records per-user values instead (one per
// user and metric: sim/experiment_tracker.h, e.g. turn_latency_ms, fallback_rate) and uses
// kMetricSessionCompleted; scenarios add their own outcome metrics by name.
inline constexpr std::string_view kMetricTurnLatencyUs = "turn_latency_us";              // numeric
inline constexpr std::string_view kMetricTimeToFirstAudioUs = "time_to_first_audio_us";  // numeric
inline constexpr std::string_view kMetricFallback = "fallback";                   // proportion
inline constexpr std::string_view kMetricSessionCompleted = "session_completed";  // proportion

struct ExperimentVariant {
  std::string agent_id;
  double weight = 0;  // share of the covered users; the weights sum to 1 (within 0.01)
};

struct ExperimentNamespace {
  std::string id;
  double start = 0;  // the experiment takes users whose namespace hash is in [start, end)
  double end = 1;
};

struct ExperimentConfig {
  std::string key;
  std::vector<ExperimentVariant> variants;  // at least 2
  double coverage = 1.0;                    // share of users in the experiment, in [0, 1]
  std::optional<ExperimentNamespace> namespace_range;
  std::string seed;  // hash seed; empty means the key (GrowthBook's default)
};

struct NumericMetric {
  std::int64_t count = 0;
  double sum = 0;
  double sum_of_squares = 0;
  double Mean() const;            // 0 without values
  double SampleVariance() const;  // (sum_sq - sum^2 / n) / (n - 1), floored at 0; 0 for n < 2
  friend bool operator==(const NumericMetric&, const NumericMetric&) = default;
};

struct ProportionMetric {
  std::int64_t trials = 0;
  std::int64_t successes = 0;
  double Rate() const;  // successes / trials; 0 without trials
  friend bool operator==(const ProportionMetric&, const ProportionMetric&) = default;
};

struct VariantMetrics {
  std::int64_t users = 0;  // distinct users assigned to the variant
  std::map<std::string, NumericMetric, std::less<>> numeric;
  std::map<std::string, ProportionMetric, std::less<>> proportions;
};

// Assignments by user id (byte order): variant index, or nullopt when not in the experiment.
using AssignmentLog = std::map<std::string, std::optional<int>, std::less<>>;

struct Assignment {
  std::optional<int> variant;  // index into the variants; nullopt when not in the experiment
  std::string agent_id;        // the variant's agent; empty when not in the experiment
  friend bool operator==(const Assignment&, const Assignment&) = default;
};

class ABTestManager {
 public:
  // Adds an experiment. Errors: kAlreadyExists for a key in use; kInvalidArgument naming the
  // field for an empty key or agent id, fewer than 2 variants, a negative or non-finite weight,
  // weights summing outside [0.99, 1.01] (GrowthBook's tolerance; it would silently use equal
  // weights instead), coverage outside [0, 1], a namespace with an empty id or a range not
  // within 0 <= start < end <= 1, or a seed (or key, when no seed is set) starting "rollout:".
  Status AddExperiment(ExperimentConfig config);

  // The variant of `user_id` (see the file comment) and records it: the first assignment of a
  // user counts toward VariantMetrics::users; later calls return the same. An empty user_id is
  // not in the experiment (GrowthBook skips users without the hash attribute) and is not
  // recorded. Errors: kNotFound for an unknown experiment.
  Result<Assignment> Assign(std::string_view experiment, std::string_view user_id);

  // Adds `value` to the numeric metric `metric` of a variant. Errors: kNotFound for an unknown
  // experiment; kInvalidArgument for a variant out of range, a non-finite value, or a metric
  // already recorded as a proportion.
  Status RecordNumeric(std::string_view experiment, int variant, std::string_view metric,
                       double value);
  // Adds a trial (and a success when `success`) to the proportion `metric` of a variant. Errors
  // as RecordNumeric (a metric already recorded as numeric is refused).
  Status RecordProportion(std::string_view experiment, int variant, std::string_view metric,
                          bool success);

  // Experiment keys in byte order.
  std::vector<std::string> ExperimentKeys() const;
  // The config as added. Errors: kNotFound.
  Result<ExperimentConfig> Config(std::string_view experiment) const;
  // The recorded assignments. Errors: kNotFound.
  Result<AssignmentLog> Assignments(std::string_view experiment) const;
  // One entry per variant, in variant order. Errors: kNotFound.
  Result<std::vector<VariantMetrics>> Metrics(std::string_view experiment) const;

 private:
  struct Experiment {
    ExperimentConfig config;
    std::vector<std::pair<double, double>> ranges;  // GetBucketRanges(N, coverage, weights)
    AssignmentLog assignments;
    std::vector<VariantMetrics> metrics;
  };
  Result<Experiment*> Find(std::string_view experiment);
  Result<const Experiment*> Find(std::string_view experiment) const;
  Result<VariantMetrics*> VariantFor(std::string_view experiment, int variant,
                                     std::string_view metric, bool numeric);

  std::map<std::string, Experiment, std::less<>> experiments_;
};

}  // namespace agentsim
