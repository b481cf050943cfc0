// Known truth (issue: "A test runs such a scenario over many seeds"): the temperature A/B
// scenario declares true effects for the 0.9 variant (task_completed +0.03, candidate_rating
// +0.10). Over 1,000 seeds the 95% intervals of the analysis must cover the truth in 93-97% of
// the runs, and on this balanced split the sample ratio mismatch check must fire at about its
// nominal rate (p < 0.001: about 1 run in 1,000), with p-values that are uniform (about 5% of
// them below 0.05).
#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "reports/analysis/experiment_analysis.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class NullSink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord&) override {}
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure&) override { ++failures; }
  int failures = 0;
};

constexpr int kSeeds = 1000;

TEST(KnownTruthTest, IntervalsCoverTheTrueEffectAndSrmFiresAtItsNominalRate) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> loaded = LoadScenario(files, "interview_temperature_test.json");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  Scenario s = std::move(*loaded);
  // The scenario at reduced size: 300 one-turn sessions (one per user) per run.
  s.workload.sessions = 300;
  s.workload.min_turns = s.workload.max_turns = 1;
  s.workload.arrival_rate_per_s = 50;
  s.workers = 1;
  ASSERT_TRUE(s.routing.random_user_ids);

  int covered_rate = 0, covered_rating = 0, srm_flagged = 0, srm_below_5pct = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    NullSink sink;
    RunOutcome out = RunScenario(s, static_cast<std::uint64_t>(seed), sink, MakeNullLogger());
    ASSERT_EQ(sink.failures, 0) << "seed " << seed;
    ASSERT_EQ(out.experiments.size(), 1u);
    Result<ExperimentAnalysis> a =
        AnalyzeExperiment(out.experiments[0].config, out.experiments[0].variants);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    for (const ExperimentResultRow& r : a->results) {
      if (r.metric != "task_completed" && r.metric != "candidate_rating") continue;
      ASSERT_EQ(r.status, "ok") << r.metric << " seed " << seed;
      if (r.metric == "task_completed") {
        covered_rate += r.abs_ci_low <= 0.03 && 0.03 <= r.abs_ci_high;
      } else if (r.metric == "candidate_rating") {
        covered_rating += r.abs_ci_low <= 0.10 && 0.10 <= r.abs_ci_high;
      }
    }
    srm_flagged += a->srm.health == "unhealthy";
    srm_below_5pct += a->srm.p_value < 0.05;
  }
  EXPECT_GE(covered_rate, 930);
  EXPECT_LE(covered_rate, 970);
  EXPECT_GE(covered_rating, 930);
  EXPECT_LE(covered_rating, 970);
  // Nominal rate 0.001: expected 1 in 1,000 (P(more than 5) < 0.1%).
  EXPECT_LE(srm_flagged, 5);
  EXPECT_GE(srm_below_5pct, 30);
  EXPECT_LE(srm_below_5pct, 70);
  std::cout << "coverage task_completed " << covered_rate << "/1000, candidate_rating "
            << covered_rating << "/1000; SRM flagged " << srm_flagged << ", p < 0.05 in "
            << srm_below_5pct << "\n";
}

}  // namespace
}  // namespace agentsim
