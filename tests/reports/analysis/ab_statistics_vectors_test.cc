// A/B statistics against GrowthBook's gbstats numbers (/work/shared/vectors/gbstats-vectors.json)
// and table-driven edge cases.
//
// Every entry of the `srm`, `frequentist_two_sided` and `bayesian_effect` sections is checked,
// and every field of an entry must be one the test knows how to check (an unknown field fails,
// so a vector is never skipped silently). Numbers are compared to the rounding the entry states:
// `round: r` means |ours - expected| <= 0.5e-r (ours rounds to the stored value);
// `p_value_round9` the same with r = 9; `chi2` is stored unrounded (relative 1e-12); entries
// with no `round` (gbstats' default outputs) are compared exactly. A missing `difference_type`
// means "relative", gbstats' default.
#include "reports/analysis/ab_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace agentsim {
namespace {

using ::nlohmann::json;

const json& Vectors() {
  static const json vectors = [] {
    std::ifstream in(AGENTSIM_SHARED_DIR "/vectors/gbstats-vectors.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str());
  }();
  return vectors;
}

// Fails the test for every field of `entry` outside `known`.
void ExpectOnlyKnownFields(const json& entry, const std::set<std::string>& known) {
  for (const auto& [key, value] : entry.items()) {
    EXPECT_TRUE(known.contains(key)) << "unchecked vector field: " << key;
  }
}

// Half a unit in the last stored decimal, plus slack for the binary representation.
double RoundingTolerance(int digits) { return 0.5 * std::pow(10.0, -digits) + 1e-12; }

bool IsRelative(const json& entry) {
  return entry.value("difference_type", std::string("relative")) == "relative";
}

SampleMeanStatistic MeanStat(const json& arm) {
  return {arm.at("n").get<double>(), arm.at("sum").get<double>(),
          arm.at("sum_squares").get<double>()};
}

ProportionStatistic ProportionStat(const json& arm) {
  return {arm.at("n").get<double>(), arm.at("sum").get<double>()};
}

void ExpectArmFields(const json& arm) {
  const std::string type = arm.at("type");
  ASSERT_TRUE(type == "mean" || type == "proportion") << type;
  ExpectOnlyKnownFields(arm, type == "mean"
                                 ? std::set<std::string>{"type", "n", "sum", "sum_squares"}
                                 : std::set<std::string>{"type", "n", "sum"});
}

Result<EffectEstimate> RunFrequentist(const json& entry) {
  const json& a = entry.at("a");
  const json& b = entry.at("b");
  EXPECT_EQ(a.at("type"), b.at("type"));
  if (a.at("type") == "mean") {
    return FrequentistTwoSided(MeanStat(a), MeanStat(b), IsRelative(entry));
  }
  return FrequentistTwoSided(ProportionStat(a), ProportionStat(b), IsRelative(entry));
}

Result<BayesianEstimate> RunBayesian(const json& entry) {
  const json& a = entry.at("a");
  const json& b = entry.at("b");
  EXPECT_EQ(a.at("type"), b.at("type"));
  GaussianPrior prior;
  if (entry.contains("prior")) {
    const json& p = entry.at("prior");
    ExpectOnlyKnownFields(p, {"mean", "variance", "proper"});
    prior = {p.at("mean").get<double>(), p.at("variance").get<double>(),
             p.at("proper").get<bool>()};
  }
  if (a.at("type") == "mean") {
    return BayesianEffect(MeanStat(a), MeanStat(b), IsRelative(entry), prior);
  }
  return BayesianEffect(ProportionStat(a), ProportionStat(b), IsRelative(entry), prior);
}

TEST(AbStatisticsVectorsTest, FileIsLoadedWithEverySection) {
  ASSERT_TRUE(Vectors().is_object());
  EXPECT_EQ(Vectors().at("srm").size(), 1u);
  EXPECT_EQ(Vectors().at("frequentist_two_sided").size(), 4u);
  EXPECT_EQ(Vectors().at("bayesian_effect").size(), 4u);
  EXPECT_NE(
      Vectors().at("_source").get<std::string>().find("8f1db4456915a8e7b7faf23d5632ca7219d2f469"),
      std::string::npos);
}

TEST(AbStatisticsVectorsTest, MatchesEverySrmVector) {
  int checked = 0;
  for (const json& entry : Vectors().at("srm")) {
    SCOPED_TRACE(entry.dump());
    ExpectOnlyKnownFields(entry, {"users", "weights", "p_value_round9", "chi2"});
    const auto users = entry.at("users").get<std::vector<double>>();
    const Result<SrmResult> r = SrmCheck(users, entry.at("weights").get<std::vector<double>>());
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    const double chi2 = entry.at("chi2");
    EXPECT_NEAR(r->chi2, chi2, 1e-12 * chi2);
    EXPECT_NEAR(r->p_value, entry.at("p_value_round9").get<double>(), RoundingTolerance(9));
    EXPECT_EQ(r->degrees_of_freedom, static_cast<double>(users.size() - 1));
    // GrowthBook's rule on the stored p-value: p < 0.001 with >= 8 users per arm on average.
    double total = 0;
    for (double u : users) total += u;
    const bool expect_flagged = entry.at("p_value_round9").get<double>() < kSrmThreshold &&
                                total >= kSrmMinUsersPerVariation * users.size();
    EXPECT_EQ(r->flagged(), expect_flagged);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

TEST(AbStatisticsVectorsTest, MatchesEveryFrequentistTwoSidedVector) {
  int checked = 0;
  for (const json& entry : Vectors().at("frequentist_two_sided")) {
    SCOPED_TRACE(entry.at("name").get<std::string>());
    ExpectOnlyKnownFields(entry,
                          {"name", "a", "b", "difference_type", "expected", "ci", "uplift_mean",
                           "uplift_stddev", "p_value", "round", "default_output", "note"});
    ExpectArmFields(entry.at("a"));
    ExpectArmFields(entry.at("b"));
    const Result<EffectEstimate> r = RunFrequentist(entry);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    if (entry.contains("default_output")) {
      const json& d = entry.at("default_output");
      ExpectOnlyKnownFields(d, {"expected", "ci", "p_value"});
      EXPECT_FALSE(r->computable());
      EXPECT_EQ(r->status, EffectStatus::kZeroOrNegativeVariance);  // gbstats' message here
      EXPECT_EQ(r->effect, d.at("expected").get<double>());
      EXPECT_EQ(r->ci_low, d.at("ci").at(0).get<double>());
      EXPECT_EQ(r->ci_high, d.at("ci").at(1).get<double>());
      EXPECT_EQ(r->p_value, d.at("p_value").get<double>());
      EXPECT_EQ(r->se, 0.0);
    } else {
      const double tol = RoundingTolerance(entry.at("round").get<int>());
      EXPECT_TRUE(r->computable()) << EffectStatusName(r->status);
      EXPECT_NEAR(r->effect, entry.at("expected").get<double>(), tol);
      EXPECT_NEAR(r->effect, entry.at("uplift_mean").get<double>(), tol);
      EXPECT_NEAR(r->se, entry.at("uplift_stddev").get<double>(), tol);
      EXPECT_NEAR(r->ci_low, entry.at("ci").at(0).get<double>(), tol);
      EXPECT_NEAR(r->ci_high, entry.at("ci").at(1).get<double>(), tol);
      EXPECT_NEAR(r->p_value, entry.at("p_value").get<double>(), tol);
      EXPECT_GT(r->dof, 1.0);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(AbStatisticsVectorsTest, MatchesEveryBayesianEffectVector) {
  int checked = 0;
  for (const json& entry : Vectors().at("bayesian_effect")) {
    SCOPED_TRACE(entry.at("name").get<std::string>());
    ExpectOnlyKnownFields(entry, {"name", "a", "b", "difference_type", "prior", "expected", "ci",
                                  "uplift_stddev", "chance_to_win", "risk", "round"});
    ExpectArmFields(entry.at("a"));
    ExpectArmFields(entry.at("b"));
    const Result<BayesianEstimate> r = RunBayesian(entry);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    if (!entry.contains("round")) {
      // gbstats' default output ("missing data"): compared exactly.
      ExpectOnlyKnownFields(entry, {"name", "a", "b", "chance_to_win", "expected"});
      EXPECT_FALSE(r->computable());
      EXPECT_EQ(r->chance_to_win, entry.at("chance_to_win").get<double>());
      EXPECT_EQ(r->effect, entry.at("expected").get<double>());
      EXPECT_EQ(r->ci_low, 0.0);
      EXPECT_EQ(r->ci_high, 0.0);
      EXPECT_EQ(r->risk_control, 0.0);
      EXPECT_EQ(r->risk_variant, 0.0);
    } else {
      const double tol = RoundingTolerance(entry.at("round").get<int>());
      EXPECT_TRUE(r->computable()) << EffectStatusName(r->status);
      EXPECT_NEAR(r->effect, entry.at("expected").get<double>(), tol);
      EXPECT_NEAR(r->se, entry.at("uplift_stddev").get<double>(), tol);
      EXPECT_NEAR(r->ci_low, entry.at("ci").at(0).get<double>(), tol);
      EXPECT_NEAR(r->ci_high, entry.at("ci").at(1).get<double>(), tol);
      EXPECT_NEAR(r->chance_to_win, entry.at("chance_to_win").get<double>(), tol);
      EXPECT_NEAR(r->risk_control, entry.at("risk").at(0).get<double>(), tol);
      EXPECT_NEAR(r->risk_variant, entry.at("risk").at(1).get<double>(), tol);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace agentsim
