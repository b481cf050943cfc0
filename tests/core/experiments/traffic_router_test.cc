#include "core/experiments/traffic_router.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/experiments/ab_test_manager.h"
#include "core/experiments/growthbook_hash.h"

namespace agentsim {

// GoogleTest's printer for failure messages.
void PrintTo(const RolloutEvent& e, std::ostream* os) {
  *os << "{" << e.at_us << ", " << e.kind << ", " << e.stage << ", \"" << e.detail << "\"}";
}

namespace {

constexpr Micros kHour = 3600 * kMicrosPerSecond;
constexpr Micros kMs = kMicrosPerMilli;
constexpr int kUsers = 10'000;
const std::string kOld = "interview-agent-v1";
const std::string kNew = "interview-agent-v2";

// The seed's rollout: 10% -> 20% -> 50% -> 100%, one stage per virtual hour.
RolloutConfig SeedRollout() {
  RolloutConfig c;
  c.id = "interview-v2";
  c.old_agent_id = kOld;
  c.new_agent_id = kNew;
  c.stages = {{0, 10}, {kHour, 20}, {2 * kHour, 50}, {3 * kHour, 100}};
  c.guardrails = {
      .max_fallback_rate_increase = 0.25, .max_error_rate = 0.25, .max_ttfa_p95_ratio = 1.5};
  c.min_samples_per_arm = 4;
  return c;
}

TrafficRouter MakeRouter(RolloutConfig c = SeedRollout()) {
  Result<TrafficRouter> r = TrafficRouter::Create(std::move(c));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return std::move(*r);
}

std::string User(int i) { return "user-" + std::to_string(i); }

// Records `n` outcomes of `agent`: the first `fallbacks` fell back, the first `errors` failed,
// every one with time to first audio `ttfa_us`.
void Feed(TrafficRouter& router, const std::string& agent, int n, int fallbacks, int errors,
          Micros ttfa_us) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(router.RecordOutcome(agent, i < fallbacks, i < errors, ttfa_us).has_value());
  }
}

// A stage within every guardrail: new fallback and error rates exactly at their limits (1 of
// 4 against 0 of 4), new p95 exactly 1.5 times the old.
void FeedHealthyStage(TrafficRouter& router) {
  Feed(router, kOld, 4, 0, 0, 400 * kMs);
  Feed(router, kNew, 4, 1, 1, 600 * kMs);
}

const std::string kPassed =
    ": fallback rate +0.2500 <= +0.2500, error rate 0.2500 <= 0.2500, "
    "p95 time to first audio ratio 1.500 <= 1.500";

RolloutEvent Event(Micros at, std::string_view kind, int stage, std::string detail) {
  return RolloutEvent{at, std::string(kind), stage, std::move(detail)};
}

TEST(TrafficRouterTest, CreateRefusesInvalidConfigs) {
  struct Case {
    std::string name;
    std::function<void(RolloutConfig&)> mutate;
    std::string message;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases = {
      {"empty id", [](RolloutConfig& c) { c.id = ""; }, "rollout id is empty"},
      {"empty old", [](RolloutConfig& c) { c.old_agent_id = ""; },
       "rollout interview-v2: old_agent_id is empty"},
      {"same agents", [](RolloutConfig& c) { c.new_agent_id = kOld; },
       "rollout interview-v2: old and new agent are both interview-agent-v1"},
      {"no stages", [](RolloutConfig& c) { c.stages.clear(); }, "rollout interview-v2: no stages"},
      {"zero percent", [](RolloutConfig& c) { c.stages[0].percent = 0; },
       "rollout interview-v2: stages[0]: percent 0 is outside (0, 100]"},
      {"nan percent", [nan](RolloutConfig& c) { c.stages[1].percent = nan; },
       "rollout interview-v2: stages[1]: percent nan is outside (0, 100]"},
      {"same start", [](RolloutConfig& c) { c.stages[2].start_us = kHour; },
       "rollout interview-v2: stages[2]: start_us 3600000000 is not after the previous "
       "stage's 3600000000"},
      {"ramp down", [](RolloutConfig& c) { c.stages[2].percent = 15; },
       "rollout interview-v2: stages[2]: percent 15 is below the previous stage's 20"},
      {"stops short", [](RolloutConfig& c) { c.stages.pop_back(); },
       "rollout interview-v2: the last stage is at 50%, not 100%"},
      {"negative error rate", [](RolloutConfig& c) { c.guardrails.max_error_rate = -0.1; },
       "rollout interview-v2: guardrails.max_error_rate = -0.1 is not a finite number >= 0"},
      {"zero ratio", [](RolloutConfig& c) { c.guardrails.max_ttfa_p95_ratio = 0; },
       "rollout interview-v2: guardrails.max_ttfa_p95_ratio = 0 is not a finite number > 0"},
      {"no samples", [](RolloutConfig& c) { c.min_samples_per_arm = 0; },
       "rollout interview-v2: min_samples_per_arm = 0 is below 1"},
      {"no reservoir", [](RolloutConfig& c) { c.ttfa_reservoir_capacity = 0; },
       "rollout interview-v2: ttfa_reservoir_capacity is 0"},
  };
  for (const Case& c : cases) {
    RolloutConfig config = SeedRollout();
    c.mutate(config);
    Result<TrafficRouter> r = TrafficRouter::Create(config);
    ASSERT_FALSE(r.has_value()) << c.name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(r.error().message, c.message) << c.name;
  }
}

TEST(TrafficRouterTest, HealthyRolloutCompletesWithExactEvents) {
  TrafficRouter router = MakeRouter();
  EXPECT_EQ(router.status(), RolloutStatus::kPending);
  EXPECT_EQ(router.NextBoundaryUs(), std::optional<Micros>(0));
  for (int stage = 0; stage < 3; ++stage) {
    router.EvaluateStage(stage * kHour);
    FeedHealthyStage(router);
  }
  const std::vector<RolloutEvent> last = router.EvaluateStage(3 * kHour);
  const std::vector<RolloutEvent> expected = {
      Event(0, kRolloutStageStarted, 0, "stage 1/4 (10%): 10% of users to interview-agent-v2"),
      Event(kHour, kRolloutGuardrailPassed, 0, "stage 1/4 (10%)" + kPassed),
      Event(kHour, kRolloutStageStarted, 1, "stage 2/4 (20%): 20% of users to interview-agent-v2"),
      Event(2 * kHour, kRolloutGuardrailPassed, 1, "stage 2/4 (20%)" + kPassed),
      Event(2 * kHour, kRolloutStageStarted, 2,
            "stage 3/4 (50%): 50% of users to interview-agent-v2"),
      Event(3 * kHour, kRolloutGuardrailPassed, 2, "stage 3/4 (50%)" + kPassed),
      Event(3 * kHour, kRolloutStageStarted, 3,
            "stage 4/4 (100%): 100% of users to interview-agent-v2"),
      Event(3 * kHour, kRolloutCompleted, 3, "100% of users on interview-agent-v2"),
  };
  EXPECT_EQ(router.events(), expected);
  EXPECT_EQ(last, std::vector<RolloutEvent>(expected.end() - 3, expected.end()));
  EXPECT_EQ(router.status(), RolloutStatus::kCompleted);
  EXPECT_EQ(router.NextBoundaryUs(), std::nullopt);
  EXPECT_TRUE(router.EvaluateStage(4 * kHour).empty());
  ASSERT_EQ(router.evaluations().size(), 3u);
  const StageEvaluation& e = router.evaluations()[0];
  EXPECT_TRUE(e.passed);
  EXPECT_EQ(e.old_arm.outcomes, 4);
  EXPECT_EQ(e.new_arm.fallbacks, 1);
  EXPECT_EQ(e.new_arm.errors, 1);
  EXPECT_EQ(e.new_arm.fallback_rate, 0.25);
  EXPECT_EQ(e.old_arm.ttfa_p95_us, 400'000.0);
  EXPECT_EQ(e.new_arm.ttfa_p95_us, 600'000.0);
}

struct BreachCase {
  std::string name;
  int new_fallbacks;
  int new_errors;
  Micros new_ttfa_us;
  std::string breaches;
};

TEST(TrafficRouterTest, GuardrailBreachRollsBackAtTheStageBoundary) {
  const std::vector<BreachCase> cases = {
      {"fallback", 2, 1, 600 * kMs, "fallback rate +0.5000 > +0.2500"},
      {"error", 1, 2, 600 * kMs, "error rate 0.5000 > 0.2500"},
      {"latency", 1, 1, 640 * kMs, "p95 time to first audio ratio 1.600 > 1.500"},
      {"all", 3, 4, 1200 * kMs,
       "fallback rate +0.7500 > +0.2500; error rate 1.0000 > 0.2500; "
       "p95 time to first audio ratio 3.000 > 1.500"},
  };
  for (const BreachCase& c : cases) {
    TrafficRouter router = MakeRouter();
    router.EvaluateStage(0);
    FeedHealthyStage(router);
    router.EvaluateStage(kHour);
    Feed(router, kOld, 4, 0, 0, 400 * kMs);
    Feed(router, kNew, 4, c.new_fallbacks, c.new_errors, c.new_ttfa_us);
    const std::vector<RolloutEvent> at_boundary = router.EvaluateStage(2 * kHour);
    const std::vector<RolloutEvent> expected = {
        Event(2 * kHour, kRolloutRolledBack, 1,
              "stage 2/4 (20%): " + c.breaches + "; all users to interview-agent-v1")};
    EXPECT_EQ(at_boundary, expected) << c.name;
    EXPECT_EQ(router.events().size(), 4u) << c.name;  // started, passed, started, rolled back
    EXPECT_EQ(router.status(), RolloutStatus::kRolledBack) << c.name;
    EXPECT_EQ(router.NextBoundaryUs(), std::nullopt) << c.name;
    EXPECT_TRUE(router.EvaluateStage(3 * kHour).empty()) << c.name;
    ASSERT_EQ(router.evaluations().size(), 2u) << c.name;
    EXPECT_FALSE(router.evaluations()[1].passed) << c.name;
    // user-4 (bucket 0.1411) was on v2 during the 20% stage and is back on v1 from the rollback.
    EXPECT_EQ(router.Route("user-4", 2 * kHour - 1), kNew) << c.name;
    EXPECT_EQ(router.PercentAt(2 * kHour), 0) << c.name;
    for (int i = 0; i < kUsers; ++i) {
      ASSERT_EQ(router.Route(User(i), 2 * kHour), kOld) << c.name << " " << User(i);
      ASSERT_EQ(router.Route(User(i), 5 * kHour), kOld) << c.name << " " << User(i);
    }
    // Outcomes after the rollback count nowhere.
    ASSERT_TRUE(router.RecordOutcome(kOld, false, false, 1).has_value());
    EXPECT_EQ(router.Summary(1, kOld)->outcomes, 4) << c.name;
  }
}

TEST(TrafficRouterTest, InclusionIsMonotoneAndRealisesEachStagesPercent) {
  TrafficRouter router = MakeRouter();
  for (int stage = 0; stage < 4; ++stage) {
    router.EvaluateStage(stage * kHour);
    if (stage < 3) FeedHealthyStage(router);
  }
  ASSERT_EQ(router.status(), RolloutStatus::kCompleted);
  struct StageCase {
    Micros at_us;
    double percent;
    int exact_count;  // users of user-0 .. user-9999 on v2; pinned by the hash
  };
  const std::vector<StageCase> stages = {
      {-1, 0, 0}, {0, 10, 981}, {kHour, 20, 2034}, {2 * kHour, 50, 5016}, {3 * kHour, 100, kUsers}};
  std::vector<bool> was_in(kUsers, false);
  for (const StageCase& s : stages) {
    EXPECT_EQ(router.PercentAt(s.at_us), s.percent);
    int count = 0;
    for (int i = 0; i < kUsers; ++i) {
      const bool in = router.Route(User(i), s.at_us) == kNew;
      ASSERT_TRUE(in || !was_in[static_cast<std::size_t>(i)])
          << User(i) << " left at " << s.percent;
      was_in[static_cast<std::size_t>(i)] = in;
      count += in ? 1 : 0;
    }
    EXPECT_EQ(count, s.exact_count) << s.percent;
    EXPECT_NEAR(count, s.percent / 100 * kUsers, 0.015 * kUsers) << s.percent;
  }
}

TEST(TrafficRouterTest, PinnedUsersRouteExactlyAtEveryStage) {
  TrafficRouter router = MakeRouter();
  for (int stage = 0; stage < 4; ++stage) {
    router.EvaluateStage(stage * kHour);
    if (stage < 3) FeedHealthyStage(router);
  }
  struct Pin {
    std::string user;
    double bucket;
    int first_stage_on_new;  // 0-based; stage k has 10/20/50/100%
  };
  const std::vector<Pin> pins = {
      {"user-3", 0.0311, 0}, {"user-4", 0.1411, 1}, {"user-0", 0.3403, 2}, {"user-1", 0.9074, 3}};
  for (const Pin& p : pins) {
    EXPECT_EQ(router.Bucket(p.user), p.bucket) << p.user;
    EXPECT_EQ(router.Route(p.user, -1), kOld) << p.user;
    for (int stage = 0; stage < 4; ++stage) {
      EXPECT_EQ(router.Route(p.user, stage * kHour), stage >= p.first_stage_on_new ? kNew : kOld)
          << p.user << " stage " << stage;
    }
  }
  EXPECT_EQ(router.Route("", 3 * kHour), kOld);
}

// Phi coefficient of two boolean sequences (Pearson correlation of 0/1 values).
double Phi(const std::vector<bool>& a, const std::vector<bool>& b) {
  double n11 = 0, n10 = 0, n01 = 0, n00 = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    (a[i] ? (b[i] ? n11 : n10) : (b[i] ? n01 : n00)) += 1;
  }
  return (n11 * n00 - n10 * n01) / std::sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00));
}

TEST(TrafficRouterTest, RolloutInclusionIsIndependentOfExperimentBuckets) {
  TrafficRouter router = MakeRouter();
  ABTestManager ab;
  ExperimentConfig experiment;
  experiment.key = "interview_temperature_test";
  experiment.variants = {{"interview-temp-0.7", 0.5}, {"interview-temp-0.9", 0.5}};
  ASSERT_TRUE(ab.AddExperiment(experiment).has_value());
  std::vector<bool> variant_a, in_at_10, in_at_50, same_seed_in_at_50;
  for (int i = 0; i < kUsers; ++i) {
    const std::string u = User(i);
    variant_a.push_back(ab.Assign("interview_temperature_test", u)->variant == 0);
    in_at_10.push_back(router.Bucket(u) < 0.1);
    in_at_50.push_back(router.Bucket(u) < 0.5);
    // What a rollout seeded with the experiment key would do: the same split, fully correlated.
    same_seed_in_at_50.push_back(*GrowthBookHash("interview_temperature_test", u, 2) < 0.5);
  }
  EXPECT_LT(std::abs(Phi(in_at_10, variant_a)), 0.03);
  EXPECT_LT(std::abs(Phi(in_at_50, variant_a)), 0.03);
  EXPECT_EQ(Phi(same_seed_in_at_50, variant_a), 1.0);
}

TEST(TrafficRouterTest, TooFewOutcomesHoldTheStageUntilEnough) {
  TrafficRouter router = MakeRouter();
  router.EvaluateStage(0);
  Feed(router, kOld, 4, 0, 0, 400 * kMs);
  Feed(router, kNew, 3, 0, 0, 400 * kMs);
  EXPECT_EQ(router.EvaluateStage(kHour),
            std::vector<RolloutEvent>{Event(kHour, kRolloutStageHeld, 0,
                                            "stage 1/4 (10%): waiting for 4 outcomes per arm "
                                            "(interview-agent-v1 4, interview-agent-v2 3)")});
  EXPECT_TRUE(router.EvaluateStage(kHour + 5).empty());  // held once, not again
  EXPECT_EQ(router.current_stage(), 0);
  Feed(router, kNew, 1, 0, 0, 400 * kMs);
  const std::vector<RolloutEvent> events = router.EvaluateStage(kHour + 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, kRolloutGuardrailPassed);
  EXPECT_EQ(events[1], Event(kHour + 10, kRolloutStageStarted, 1,
                             "stage 2/4 (20%): 20% of users to interview-agent-v2"));
  EXPECT_EQ(router.PercentAt(kHour + 9), 10);
  EXPECT_EQ(router.PercentAt(kHour + 10), 20);
}

TEST(TrafficRouterTest, LateCallStartsTheNextStageThenHoldsIt) {
  TrafficRouter router = MakeRouter();
  router.EvaluateStage(0);
  FeedHealthyStage(router);
  const Micros late = 2 * kHour + 1;
  const std::vector<RolloutEvent> expected = {
      Event(late, kRolloutGuardrailPassed, 0, "stage 1/4 (10%)" + kPassed),
      Event(late, kRolloutStageStarted, 1, "stage 2/4 (20%): 20% of users to interview-agent-v2"),
      Event(late, kRolloutStageHeld, 1,
            "stage 2/4 (20%): waiting for 4 outcomes per arm "
            "(interview-agent-v1 0, interview-agent-v2 0)"),
  };
  EXPECT_EQ(router.EvaluateStage(late), expected);
  EXPECT_EQ(router.NextBoundaryUs(), std::optional<Micros>(2 * kHour));
}

TEST(TrafficRouterTest, RecordOutcomeCountsPerStageAndArm) {
  TrafficRouter router = MakeRouter();
  ASSERT_TRUE(router.RecordOutcome(kNew, true, true, 1).has_value());  // before the start
  router.EvaluateStage(0);
  ASSERT_TRUE(router.RecordOutcome(kNew, true, false, 300 * kMs).has_value());
  ASSERT_TRUE(router.RecordOutcome(kNew, false, true, std::nullopt).has_value());
  ASSERT_TRUE(router.RecordOutcome(kNew, false, false, 100 * kMs).has_value());
  ASSERT_TRUE(router.RecordOutcome(kNew, false, false, 200 * kMs).has_value());
  Result<RolloutArmSummary> s = router.Summary(0, kNew);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->outcomes, 4);
  EXPECT_EQ(s->fallbacks, 1);
  EXPECT_EQ(s->errors, 1);
  EXPECT_EQ(s->ttfa_samples, 3u);
  EXPECT_EQ(s->fallback_rate, 0.25);
  EXPECT_EQ(s->error_rate, 0.25);
  EXPECT_DOUBLE_EQ(s->ttfa_p95_us, 290'000.0);  // 200 + (300 - 200) * 0.9 ms
  EXPECT_EQ(router.Summary(0, kOld)->outcomes, 0);

  Status unknown = router.RecordOutcome("interview-agent-v3", false, false, 1);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message,
            "rollout interview-v2: agent interview-agent-v3 is neither interview-agent-v1 nor "
            "interview-agent-v2");
  Status negative = router.RecordOutcome(kOld, false, false, -1);
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Summary(4, kOld).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Summary(0, "x").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace agentsim
