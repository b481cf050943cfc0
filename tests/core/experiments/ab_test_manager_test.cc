#include "core/experiments/ab_test_manager.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/experiments/growthbook_hash.h"

namespace agentsim {
namespace {

constexpr int kUsers = 10'000;
constexpr std::string_view kTemperatureTest = "interview_temperature_test";

std::string User(int i) { return "user-" + std::to_string(i); }

// The seed's experiment: interview-temp-0.7 against interview-temp-0.9, 50/50.
ExperimentConfig TemperatureTest() {
  ExperimentConfig c;
  c.key = std::string(kTemperatureTest);
  c.variants = {{"interview-temp-0.7", 0.5}, {"interview-temp-0.9", 0.5}};
  return c;
}

ExperimentConfig Weighted(std::string key, std::vector<double> weights, double coverage) {
  ExperimentConfig c;
  c.key = std::move(key);
  c.coverage = coverage;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    c.variants.push_back({"agent-" + std::to_string(i), weights[i]});
  }
  return c;
}

// Users of user-0 .. user-9999 per variant, and the number not in the experiment (last).
std::vector<int> Split(ABTestManager& ab, std::string_view key, std::size_t variants) {
  std::vector<int> counts(variants + 1, 0);
  for (int i = 0; i < kUsers; ++i) {
    Result<Assignment> a = ab.Assign(key, User(i));
    EXPECT_TRUE(a.has_value());
    ++counts[a->variant.has_value() ? static_cast<std::size_t>(*a->variant) : variants];
  }
  return counts;
}

TEST(ABTestManagerTest, SeedTemperatureTestSplitsFiftyFifty) {
  ABTestManager ab;
  ASSERT_TRUE(ab.AddExperiment(TemperatureTest()).has_value());
  struct Pin {
    std::string user;
    std::optional<int> variant;  // GrowthBookHash(key, user, 2): 0.2088 0.8293 0.0269 0.4053
    std::string agent_id;
  };
  const std::vector<Pin> pins = {{"user-0", 0, "interview-temp-0.7"},
                                 {"user-1", 1, "interview-temp-0.9"},
                                 {"user-2", 0, "interview-temp-0.7"},
                                 {"user-3", 0, "interview-temp-0.7"}};
  for (const Pin& p : pins) {
    EXPECT_EQ(ab.Assign(kTemperatureTest, p.user), (Assignment{p.variant, p.agent_id})) << p.user;
  }
  const std::vector<int> counts = Split(ab, kTemperatureTest, 2);
  EXPECT_EQ(counts, (std::vector<int>{4970, 5030, 0}));  // checked by a Python FNV-1a
  EXPECT_NEAR(counts[0], kUsers / 2, 0.015 * kUsers);
  Result<std::vector<VariantMetrics>> metrics = ab.Metrics(kTemperatureTest);
  ASSERT_TRUE(metrics.has_value());
  EXPECT_EQ((*metrics)[0].users, 4970);  // pinned users assigned twice count once
  EXPECT_EQ((*metrics)[1].users, 5030);
  Result<AssignmentLog> log = ab.Assignments(kTemperatureTest);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(log->begin()->first, "user-0");  // byte order: user-0, user-1, user-10, ...
  EXPECT_EQ(std::next(log->begin(), 2)->first, "user-10");
  EXPECT_EQ(log->at("user-1"), std::optional<int>(1));
}

TEST(ABTestManagerTest, SameUserSameVariantAcrossCallsAndInstances) {
  ABTestManager first, second;
  ASSERT_TRUE(first.AddExperiment(Weighted("three-way", {0.2, 0.3, 0.5}, 0.9)).has_value());
  ASSERT_TRUE(second.AddExperiment(Weighted("three-way", {0.2, 0.3, 0.5}, 0.9)).has_value());
  const std::vector<std::pair<double, double>> ranges = GetBucketRanges(3, 0.9, {{0.2, 0.3, 0.5}});
  for (int i = 0; i < 2000; ++i) {
    const std::string u = User(i);
    Result<Assignment> a = first.Assign("three-way", u);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(first.Assign("three-way", u), *a) << u;
    EXPECT_EQ(second.Assign("three-way", u), *a) << u;
    // Exactly what GrowthBook computes, so no state or process salt is involved.
    const int expected = ChooseVariation(*GrowthBookHash("three-way", u, 2), ranges);
    EXPECT_EQ(a->variant, expected < 0 ? std::nullopt : std::optional<int>(expected)) << u;
  }
}

TEST(ABTestManagerTest, WeightsAndCoverageAreRealised) {
  struct Case {
    std::vector<double> weights;
    double coverage;
  };
  const std::vector<Case> cases = {
      {{0.5, 0.5}, 1.0}, {{0.2, 0.8}, 1.0}, {{0.1, 0.3, 0.6}, 1.0}, {{0.25, 0.25, 0.25, 0.25}, 1.0},
      {{0.5, 0.5}, 0.4}, {{0.1, 0.9}, 0.5}, {{0.2, 0.3, 0.5}, 0.1}};
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    ABTestManager ab;
    const std::string key = "weights-" + std::to_string(k);
    ASSERT_TRUE(ab.AddExperiment(Weighted(key, c.weights, c.coverage)).has_value());
    const std::vector<int> counts = Split(ab, key, c.weights.size());
    for (std::size_t v = 0; v < c.weights.size(); ++v) {
      EXPECT_NEAR(counts[v], c.coverage * c.weights[v] * kUsers, 0.015 * kUsers)
          << key << " variant " << v;
    }
    EXPECT_NEAR(counts.back(), (1 - c.coverage) * kUsers, 0.015 * kUsers) << key;
  }
}

TEST(ABTestManagerTest, ReducingCoverageNeverMovesAUserToAnotherVariant) {
  const std::vector<double> coverages = {1.0, 0.8, 0.5, 0.2, 0.05};
  std::vector<std::optional<int>> previous(kUsers);
  for (std::size_t k = 0; k < coverages.size(); ++k) {
    ABTestManager ab;  // a new instance per coverage: as if the config were edited
    ASSERT_TRUE(ab.AddExperiment(Weighted("shrinking", {0.3, 0.7}, coverages[k])).has_value());
    for (int i = 0; i < kUsers; ++i) {
      const std::optional<int> now = ab.Assign("shrinking", User(i))->variant;
      const std::size_t ui = static_cast<std::size_t>(i);
      if (k > 0 && now.has_value()) {
        ASSERT_EQ(now, previous[ui]) << User(i) << " at coverage " << coverages[k];
      }
      previous[ui] = now;
    }
  }
}

TEST(ABTestManagerTest, NamespacesKeepExperimentsMutuallyExclusive) {
  ABTestManager ab;
  ExperimentConfig first = TemperatureTest();
  first.namespace_range = ExperimentNamespace{"voice", 0.0, 0.5};
  ExperimentConfig second = Weighted("tts-voice-test", {0.5, 0.5}, 1.0);
  second.namespace_range = ExperimentNamespace{"voice", 0.5, 1.0};
  ASSERT_TRUE(ab.AddExperiment(first).has_value());
  ASSERT_TRUE(ab.AddExperiment(second).has_value());
  int in_first = 0, in_second = 0;
  for (int i = 0; i < kUsers; ++i) {
    const std::string u = User(i);
    const bool a = ab.Assign(kTemperatureTest, u)->variant.has_value();
    const bool b = ab.Assign("tts-voice-test", u)->variant.has_value();
    ASSERT_FALSE(a && b) << u;
    ASSERT_EQ(a, InNamespace(u, "voice", 0.0, 0.5)) << u;
    in_first += a ? 1 : 0;
    in_second += b ? 1 : 0;
  }
  EXPECT_EQ(in_first + in_second, kUsers);  // the two ranges cover the namespace
  EXPECT_NEAR(in_first, kUsers / 2, 0.015 * kUsers);
  // Users outside the range are recorded as not in the experiment.
  Result<AssignmentLog> log = ab.Assignments(kTemperatureTest);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(ab.ExperimentKeys(),
            (std::vector<std::string>{"interview_temperature_test", "tts-voice-test"}));
}

TEST(ABTestManagerTest, MetricAccumulatorsAreExact) {
  ABTestManager ab;
  ASSERT_TRUE(ab.AddExperiment(TemperatureTest()).has_value());
  for (double latency_us : {100'000.0, 200'000.0, 300'000.0}) {
    ASSERT_TRUE(ab.RecordNumeric(kTemperatureTest, 0, kMetricTurnLatencyUs, latency_us));
  }
  ASSERT_TRUE(ab.RecordNumeric(kTemperatureTest, 1, kMetricTurnLatencyUs, 250'000.0));
  ASSERT_TRUE(ab.RecordNumeric(kTemperatureTest, 1, kMetricTimeToFirstAudioUs, 80'000.0));
  for (bool fell_back : {true, false, false, true}) {
    ASSERT_TRUE(ab.RecordProportion(kTemperatureTest, 0, kMetricFallback, fell_back));
  }
  ASSERT_TRUE(ab.RecordProportion(kTemperatureTest, 1, kMetricSessionCompleted, true));
  ASSERT_TRUE(ab.RecordProportion(kTemperatureTest, 1, "candidate_advanced", false));

  Result<std::vector<VariantMetrics>> m = ab.Metrics(kTemperatureTest);
  ASSERT_TRUE(m.has_value());
  const NumericMetric& a = (*m)[0].numeric.at(std::string(kMetricTurnLatencyUs));
  EXPECT_EQ(a, (NumericMetric{3, 600'000.0, 1.4e11}));
  EXPECT_EQ(a.Mean(), 200'000.0);
  EXPECT_EQ(a.SampleVariance(), 1e10);  // (1.4e11 - 3.6e11 / 3) / 2
  EXPECT_EQ((*m)[1].numeric.at(std::string(kMetricTurnLatencyUs)),
            (NumericMetric{1, 250'000.0, 6.25e10}));
  EXPECT_EQ((*m)[1].numeric.at(std::string(kMetricTurnLatencyUs)).SampleVariance(), 0.0);
  EXPECT_EQ((*m)[1].numeric.at(std::string(kMetricTimeToFirstAudioUs)),
            (NumericMetric{1, 80'000.0, 6.4e9}));
  EXPECT_EQ((*m)[0].proportions.at(std::string(kMetricFallback)), (ProportionMetric{4, 2}));
  EXPECT_EQ((*m)[0].proportions.at(std::string(kMetricFallback)).Rate(), 0.5);
  EXPECT_EQ((*m)[1].proportions.at(std::string(kMetricSessionCompleted)), (ProportionMetric{1, 1}));
  EXPECT_EQ((*m)[1].proportions.at("candidate_advanced"), (ProportionMetric{1, 0}));
  EXPECT_EQ((*m)[0].numeric.size(), 1u);
  EXPECT_EQ((*m)[1].proportions.size(), 2u);
  EXPECT_EQ((*m)[0].users, 0);  // metrics do not assign users
}

TEST(ABTestManagerTest, RecordingRefusesBadInput) {
  ABTestManager ab;
  ASSERT_TRUE(ab.AddExperiment(TemperatureTest()).has_value());
  ASSERT_TRUE(ab.RecordNumeric(kTemperatureTest, 0, "latency", 1.0));
  struct Case {
    std::string name;
    std::function<Status()> call;
    ErrorCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown experiment", [&] { return ab.RecordNumeric("nope", 0, "latency", 1.0); },
       ErrorCode::kNotFound, "no experiment nope"},
      {"variant out of range", [&] { return ab.RecordNumeric(kTemperatureTest, 2, "x", 1.0); },
       ErrorCode::kInvalidArgument,
       "experiment interview_temperature_test: no variant 2 (it has 2)"},
      {"negative variant", [&] { return ab.RecordProportion(kTemperatureTest, -1, "x", true); },
       ErrorCode::kInvalidArgument,
       "experiment interview_temperature_test: no variant -1 (it has 2)"},
      {"kind clash", [&] { return ab.RecordProportion(kTemperatureTest, 1, "latency", true); },
       ErrorCode::kInvalidArgument,
       "experiment interview_temperature_test: metric latency is recorded as a numeric metric"},
      {"not finite",
       [&] {
         return ab.RecordNumeric(kTemperatureTest, 0, "latency",
                                 std::numeric_limits<double>::infinity());
       },
       ErrorCode::kInvalidArgument,
       "experiment interview_temperature_test: metric latency value inf is not finite"},
  };
  for (const Case& c : cases) {
    Status s = c.call();
    ASSERT_FALSE(s.has_value()) << c.name;
    EXPECT_EQ(s.error().code, c.code) << c.name;
    EXPECT_EQ(s.error().message, c.message) << c.name;
  }
  EXPECT_EQ(ab.Assign("nope", "user-0").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ab.Assign(kTemperatureTest, ""), Assignment{});
  EXPECT_TRUE(ab.Assignments(kTemperatureTest)->empty());  // the empty user is not recorded
}

TEST(ABTestManagerTest, AddExperimentRefusesInvalidConfigs) {
  struct Case {
    std::string name;
    std::function<void(ExperimentConfig&)> mutate;
    std::string message;
  };
  const std::string p = "experiment interview_temperature_test: ";
  const std::vector<Case> cases = {
      {"empty key", [](ExperimentConfig& c) { c.key = ""; }, "experiment key is empty"},
      {"one variant", [](ExperimentConfig& c) { c.variants.pop_back(); },
       p + "1 variants; an experiment needs at least 2"},
      {"empty agent", [](ExperimentConfig& c) { c.variants[1].agent_id = ""; },
       p + "variants[1]: agent_id is empty"},
      {"negative weight", [](ExperimentConfig& c) { c.variants[0].weight = -0.5; },
       p + "variants[0]: weight -0.5 is not a finite number >= 0"},
      {"weights short", [](ExperimentConfig& c) { c.variants[0].weight = 0.4; },
       p + "weights sum to 0.9, not 1 (+/- 0.01)"},
      {"coverage", [](ExperimentConfig& c) { c.coverage = 1.5; },
       p + "coverage 1.5 is outside [0, 1]"},
      {"namespace id",
       [](ExperimentConfig& c) {
         c.namespace_range = ExperimentNamespace{"", 0, 1};
       },
       p + "namespace id is empty"},
      {"namespace range",
       [](ExperimentConfig& c) {
         c.namespace_range = ExperimentNamespace{"voice", 0.6, 0.6};
       },
       p + "namespace voice range [0.6, 0.6) is not within 0 <= start < end <= 1"},
      {"rollout seed", [](ExperimentConfig& c) { c.seed = "rollout:interview-v2"; },
       p + "hash seed rollout:interview-v2 starts with \"rollout:\", which rollouts use"},
  };
  for (const Case& c : cases) {
    ExperimentConfig config = TemperatureTest();
    c.mutate(config);
    ABTestManager ab;
    Status s = ab.AddExperiment(config);
    ASSERT_FALSE(s.has_value()) << c.name;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(s.error().message, c.message) << c.name;
  }
  ABTestManager ab;
  ASSERT_TRUE(ab.AddExperiment(TemperatureTest()).has_value());
  Status again = ab.AddExperiment(TemperatureTest());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  Result<ExperimentConfig> config = ab.Config(kTemperatureTest);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->variants[1].agent_id, "interview-temp-0.9");
}

TEST(ABTestManagerTest, ExplicitSeedReplacesTheKey) {
  ABTestManager ab;
  ExperimentConfig c = Weighted("renamed-test", {0.5, 0.5}, 1.0);
  c.seed = std::string(kTemperatureTest);  // same split as the original experiment
  ASSERT_TRUE(ab.AddExperiment(c).has_value());
  ASSERT_TRUE(ab.AddExperiment(TemperatureTest()).has_value());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(ab.Assign("renamed-test", User(i))->variant,
              ab.Assign(kTemperatureTest, User(i))->variant)
        << User(i);
  }
}

}  // namespace
}  // namespace agentsim
