#include "sim/workload/concurrency_schedule.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

constexpr Micros kS = kMicrosPerSecond;

using Step = std::pair<Micros, std::int64_t>;  // (instant, target from then on)

// The target at 0 and at every change, walking NextChangeAfter.
std::vector<Step> Walk(const ConcurrencySchedule& s) {
  std::vector<Step> out = {{0, s.TargetAt(0)}};
  Micros t = 0;
  while (std::optional<Micros> next = s.NextChangeAfter(t)) {
    t = *next;
    out.emplace_back(t, s.TargetAt(t));
  }
  return out;
}

RampingSessions Ramping(std::int64_t start, std::vector<SessionStage> stages) {
  RampingSessions r;
  r.start_sessions = start;
  r.stages = std::move(stages);
  return r;
}

struct WalkCase {
  std::string name;
  RampingSessions spec;
  std::vector<Step> steps;
  std::int64_t max_target;
};

void PrintTo(const WalkCase& c, std::ostream* os) { *os << c.name; }

class RampingSessionsTest : public ::testing::TestWithParam<WalkCase> {};

TEST_P(RampingSessionsTest, StepsOneUserAtATime) {
  const ConcurrencySchedule s(GetParam().spec);
  EXPECT_EQ(Walk(s), GetParam().steps);
  EXPECT_EQ(s.max_target(), GetParam().max_target);
}

INSTANTIATE_TEST_SUITE_P(
    K6RampingVus, RampingSessionsTest,
    ::testing::Values(
        // Up 0 -> 3 over 3 s (a user each second), hold 2 s, down to 1 over 1 s (k6 removes a
        // user at each step's end, not at its start), jump to 5, hold 1 s, down to 0 over 1 s.
        WalkCase{"UpHoldDownJump",
                 Ramping(0, {{3, 3 * kS}, {3, 2 * kS}, {1, 1 * kS}, {5, 0}, {5, 1 * kS}, {0, 1 * kS}}),
                 {{0, 0},
                  {1 * kS, 1},
                  {2 * kS, 2},
                  {3 * kS, 3},
                  {5'500'000, 2},
                  {6 * kS, 5},  // the value 1 never holds: the jump is at the same instant
                  {7'200'000, 4},
                  {7'400'000, 3},
                  {7'600'000, 2},
                  {7'800'000, 1},
                  {8 * kS, 0}},
                 5},
        // Steps at ceil(j * D / n) µs: 1 s / 7 users.
        WalkCase{"UnevenSteps",
                 Ramping(0, {{7, kS}}),
                 {{0, 0},
                  {142'858, 1},
                  {285'715, 2},
                  {428'572, 3},
                  {571'429, 4},
                  {714'286, 5},
                  {857'143, 6},
                  {kS, 0}},  // the end: 7 is reached at the end and never runs
                 7},
        WalkCase{"StartValueHeld",
                 Ramping(4, {{4, 10 * kS}, {2, 2 * kS}}),
                 {{0, 4}, {11 * kS, 3}, {12 * kS, 0}},
                 4},
        WalkCase{"NothingToRun", Ramping(0, {{1, kS}}), {{0, 0}}, 1}),
    [](const ::testing::TestParamInfo<WalkCase>& param_info) { return param_info.param.name; });

TEST(ConcurrencyScheduleTest, ConstantSessionsHoldUntilTheEnd) {
  ConstantSessions c;
  c.sessions = 4;
  c.duration_us = 10 * kS;
  c.gap_ms = ExponentialDistribution{500};
  const ConcurrencySchedule s(c);
  EXPECT_EQ(Walk(s), (std::vector<Step>{{0, 4}, {10 * kS, 0}}));
  EXPECT_EQ(s.end_us(), 10 * kS);
  EXPECT_EQ(s.max_target(), 4);
  EXPECT_EQ(s.gap_ms().Describe(), "exponential(mean=500)");
  EXPECT_TRUE(s.MayStart(3, 10 * kS - 1));
  EXPECT_FALSE(s.MayStart(4, 0));
  EXPECT_FALSE(s.MayStart(0, 10 * kS));
}

TEST(ConcurrencyScheduleTest, TargetAtIsLinearBetweenStages) {
  const ConcurrencySchedule s(Ramping(10, {{110, 100 * kS}, {0, 50 * kS}}));
  struct Probe {
    Micros t;
    std::int64_t target;
  };
  for (const Probe& p : std::vector<Probe>{{-5, 10},
                                            {0, 10},
                                            {999'999, 10},
                                            {1 * kS, 11},
                                            {50 * kS, 60},
                                            {100 * kS - 1, 109},
                                            {100 * kS, 110},
                                            {125 * kS, 55},
                                            {150 * kS - 1, 1},
                                            {150 * kS, 0},
                                            {1000 * kS, 0}}) {
    EXPECT_EQ(s.TargetAt(p.t), p.target) << p.t;
  }
  EXPECT_EQ(s.NextChangeAfter(50 * kS), 51 * kS);
  EXPECT_EQ(s.NextChangeAfter(150 * kS), std::nullopt);
}

TEST(ConcurrencyScheduleTest, InterviewLoadRampsToAThousandOverAnHour) {
  const ConcurrencySchedule s(Ramping(0, {{1000, 3600 * kS}}));
  EXPECT_EQ(s.TargetAt(1800 * kS), 500);
  EXPECT_EQ(s.NextChangeAfter(0), 3'600'000);  // one user every 3.6 s
  EXPECT_EQ(s.max_target(), 1000);
  std::size_t changes = Walk(s).size() - 1;
  EXPECT_EQ(changes, 1000u);  // 999 steps up, then 0 at the end
}

}  // namespace
}  // namespace agentsim
